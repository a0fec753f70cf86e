#!/bin/sh
# Entry point of the yolostream images: the container's arguments are a `yolostream` subcommand and its flags
# (`ingest --config FILE`, `detect`, `sinks`, `convert ...`), exactly as for the ./yolostream launcher.
#
# JVM options, lowest first:
#   -Xss16m               as the launcher: ONNX Runtime's graph optimisers recurse deeply on the calling thread
#   JAVA_OPTS             the image's container-aware defaults (-XX:MaxRAMPercentage=50: the heap takes half of
#                         the container's memory limit, the rest stays for ONNX Runtime, FFmpeg and OpenCV
#                         natives; -XX:+ExitOnOutOfMemoryError so that the restart policy takes over)
#   YOLOSTREAM_JAVA_OPTS  the same variable the launcher reads, for per-deployment additions (e.g. -Xmx8g)
set -eu

lib=/opt/yolostream/lib

# Tell the healthcheck where this service's /health is (one-off commands have none). The flag wins over the
# environment, as in the service's own configuration; a port set only in a --config file is not seen here, so
# set the *_HTTP_PORT variable (or the compose healthcheck) when changing it that way.
port=""
case "${1:-}" in
  ingest) port="${YOLOSTREAM_INGEST_HTTP_PORT:-8081}" ;;
  detect) port="${YOLOSTREAM_DETECT_HTTP_PORT:-8082}" ;;
  sinks) port="${YOLOSTREAM_SINKS_HTTP_PORT:-8083}" ;;
esac
if [ -n "$port" ]; then
  prev=""
  for arg in "$@"; do
    case "$arg" in
      --http-port=*) port="${arg#--http-port=}" ;;
      --replay | --replay=*) port="" ; break ;;
    esac
    if [ "$prev" = "--http-port" ]; then
      port="$arg"
    fi
    prev="$arg"
  done
fi
state="${TMPDIR:-/tmp}/yolostream"
mkdir -p "$state"
if [ -n "$port" ] && [ "$port" != "0" ]; then
  echo "http://127.0.0.1:${port}/health" > "$state/health-url"
else
  rm -f "$state/health-url"
fi

# shellcheck disable=SC2086 # JAVA_OPTS and YOLOSTREAM_JAVA_OPTS are lists of options on purpose
exec java -Xss16m ${JAVA_OPTS:-} ${YOLOSTREAM_JAVA_OPTS:-} -cp "$lib/*" io.yolostream.deploy.cli.YolostreamCommand "$@"
