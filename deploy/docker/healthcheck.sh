#!/bin/bash
# HEALTHCHECK of the yolostream images:
#   yolostream-healthcheck [http://127.0.0.1:PORT/health]
# GETs the service's /health (the URL given, else the one the entry point wrote for this container's service, see
# entrypoint.sh); a 200 is healthy, anything else (503 while not ready, no answer) is not. Without a URL and
# without a service (one-off commands: convert, detect-image, bench, ingest --replay) the container is healthy.
# Plain bash (/dev/tcp): the images need no curl, so their last stage installs nothing.
set -euo pipefail
url=${1:-}
if [ -z "$url" ]; then
  url_file="${TMPDIR:-/tmp}/yolostream/health-url"
  if [ ! -s "$url_file" ]; then
    exit 0
  fi
  url=$(cat "$url_file")
fi
if [[ ! "$url" =~ ^http://([^/:]+):([0-9]+)(/.*)?$ ]]; then
  echo "yolostream-healthcheck: expected http://HOST:PORT/PATH, found '$url'" >&2
  exit 2
fi
host=${BASH_REMATCH[1]}
port=${BASH_REMATCH[2]}
path=${BASH_REMATCH[3]:-/}
if ! { exec 3<> "/dev/tcp/$host/$port"; } 2> /dev/null; then
  echo "yolostream-healthcheck: nothing listens on $host:$port" >&2
  exit 1
fi
printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
status=""
IFS= read -r -t 4 status <&3 || true
exec 3<&-
status=${status%$'\r'}
if [[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]; then
  exit 0
fi
echo "yolostream-healthcheck: $url answered '${status:-nothing}'" >&2
exit 1
