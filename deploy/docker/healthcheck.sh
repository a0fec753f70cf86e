#!/bin/sh
# HEALTHCHECK of the yolostream images: GET the running service's /health (written by the entry point, see
# entrypoint.sh); a 200 is healthy, anything else (503 while not ready, no answer) is not. Containers running a
# one-off command (convert, detect-image, bench, ingest --replay) have no /health and are reported healthy.
set -eu
url_file="${TMPDIR:-/tmp}/yolostream/health-url"
if [ ! -s "$url_file" ]; then
  exit 0
fi
exec curl --fail --silent --show-error --max-time 4 --output /dev/null "$(cat "$url_file")"
