#!/bin/sh
# Makes the compose services' secret files from their committed templates:
#   deploy/docker/secrets.sh
# For each docker/<service>.secrets.env.example whose docker/<service>.secrets.env is missing: a copy, mode 600, in
# which every empty *_TOKEN= gets a new random value (32 bytes, hex). Existing files are left as they are.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
umask 077
for example in "$dir"/*.secrets.env.example; do
  real=${example%.example}
  if [ -e "$real" ]; then
    echo "secrets.sh: $real exists, kept"
    continue
  fi
  tmp="$real.tmp"
  : > "$tmp"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      [A-Z]*_TOKEN=)
        token=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
        printf '%s%s\n' "$line" "$token" >> "$tmp"
        ;;
      *) printf '%s\n' "$line" >> "$tmp" ;;
    esac
  done < "$example"
  mv "$tmp" "$real"
  echo "secrets.sh: wrote $real ($(grep -c '^[A-Z].*_TOKEN=.' "$real" || true) generated token(s))"
done
