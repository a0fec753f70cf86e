#!/bin/sh
# Makes the compose services' secret files from their committed templates:
#   deploy/docker/secrets.sh
# For each docker/<service>.secrets.env.example: when docker/<service>.secrets.env is missing, a copy, mode 600, in
# which every empty *_TOKEN= gets a new random value (32 bytes, hex). An existing file keeps its values; a *_TOKEN
# key of the template that it lacks (a newer release asks for it) is appended with a new random value.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
umask 077
new_token() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
for example in "$dir"/*.secrets.env.example; do
  real=${example%.example}
  if [ -e "$real" ]; then
    added=0
    for key in $(sed -n 's/^\([A-Z][A-Z0-9_]*_TOKEN\)=$/\1/p' "$example"); do
      if ! grep -q "^$key=" "$real"; then
        printf '%s=%s\n' "$key" "$(new_token)" >> "$real"
        added=$((added + 1))
      fi
    done
    echo "secrets.sh: $real exists, kept ($added token(s) added)"
    continue
  fi
  tmp="$real.tmp"
  : > "$tmp"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      [A-Z]*_TOKEN=) printf '%s%s\n' "$line" "$(new_token)" >> "$tmp" ;;
      *) printf '%s\n' "$line" >> "$tmp" ;;
    esac
  done < "$example"
  mv "$tmp" "$real"
  echo "secrets.sh: wrote $real ($(grep -c '^[A-Z].*_TOKEN=.' "$real" || true) generated token(s))"
done
