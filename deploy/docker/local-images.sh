#!/usr/bin/env bash
# Builds local stand-ins of every base image that the yolostream images and the Compose stack use, from Debian
# packages and Maven Central only: for sites without Docker Hub (air-gapped, behind a registry proxy) and for CI.
#
#   deploy/docker/local-images.sh [--mirror URL] [--security-mirror URL] [--maven-mirror URL] [--ca FILE]...
#                                 [--no-host-ca] [--rebuild]
#
# Images (docker-compose.local.yml uses them):
#   yolostream-local/debian:bookworm     debootstrap --variant=minbase bookworm, imported (the base of the others)
#   yolostream-local/jdk:17              OpenJDK 17 + Maven (the wrapper's version) from Maven Central  MAVEN_IMAGE
#   yolostream-local/jre:17              OpenJDK 17 runtime                                          JRE_IMAGE
#   yolostream-local/kafka:<version>     Kafka's jars from Maven Central, the official image's KAFKA_* contract
#   yolostream-local/demo-camera:bookworm  gst-rtsp-server looping a video on rtsp://...:8554/demo
# (No stand-in for the CUDA base image of the gpu target: NVIDIA's libraries are not Debian main packages.)
#
# Needs root (debootstrap), Docker with BuildKit and debootstrap (apt-get install docker.io debootstrap).
# Options:
#   --mirror URL           Debian mirror (default: http://deb.debian.org/debian, or $DEBIAN_MIRROR); apt checks
#                          the archive's signatures, so plain http is fine
#   --security-mirror URL  Debian security mirror (default: http://deb.debian.org/debian-security)
#   --maven-mirror URL     a repository manager mirroring Maven Central (default: Maven Central, or
#                          $MAVEN_MIRROR_URL)
#   --ca FILE              extra CA certificates (PEM) for HTTPS from inside the builds, repeatable; given to the
#                          builds as a BuildKit secret, never stored in an image. Default: the host's
#                          /usr/local/share/ca-certificates/**/*.crt (where Debian keeps locally added authorities)
#   --no-host-ca           do not use the host's extra CA certificates by default
#   --rebuild              debootstrap again and rebuild every image without the layer cache
# Re-running is cheap: the Debian root file system is made once, the other images come from the build cache.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
maven_mirror=${MAVEN_MIRROR_URL:-}
ca_files=()
host_ca=true
rebuild=false
while (($# > 0)); do
  case "$1" in
    --mirror) mirror=$2; shift 2 ;;
    --security-mirror) security_mirror=$2; shift 2 ;;
    --maven-mirror) maven_mirror=$2; shift 2 ;;
    --ca) ca_files+=("$2"); shift 2 ;;
    --no-host-ca) host_ca=false; shift ;;
    --rebuild) rebuild=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "local-images.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

docker=${DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1
prefix=yolostream-local
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/local/kafka/pom.xml")
maven_version=$(sed -n 's:^distributionUrl=.*/apache-maven/\([^/]*\)/.*:\1:p' "$repo/.mvn/wrapper/maven-wrapper.properties")
if [ -z "$kafka_version" ] || [ -z "$maven_version" ]; then
  echo "local-images.sh: cannot read the Kafka version (local/kafka/pom.xml) or the Maven version (.mvn/wrapper)" >&2
  exit 1
fi

if ! "$docker" info > /dev/null 2>&1; then
  echo "local-images.sh: no Docker engine answers ($docker info); start dockerd first" >&2
  exit 1
fi

# extra CA certificates: one PEM bundle, handed to the builds as the secret `ca`
if [ ${#ca_files[@]} -eq 0 ] && $host_ca; then
  while IFS= read -r f; do ca_files+=("$f"); done < <(find /usr/local/share/ca-certificates -name '*.crt' 2> /dev/null | sort)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secret=()
if [ ${#ca_files[@]} -gt 0 ]; then
  cat "${ca_files[@]}" > "$work/ca.pem"
  secret=(--secret "id=ca,src=$work/ca.pem")
  echo "local-images.sh: extra CA certificates for the builds: ${ca_files[*]}"
fi

started=$SECONDS
step() { echo "local-images.sh: [$((SECONDS - started)) s] $*"; }

# 1. Debian bookworm, minbase, trimmed like Docker's "slim" images (no docs, man pages, translations)
base=$prefix/debian:bookworm
if $rebuild || ! "$docker" image inspect "$base" > /dev/null 2>&1; then
  command -v debootstrap > /dev/null || { echo "local-images.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "local-images.sh: debootstrap needs root" >&2; exit 1; }
  step "debootstrap --variant=minbase bookworm from $mirror"
  rootfs=$work/rootfs
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    echo "local-images.sh: debootstrap failed (log above)" >&2
    exit 1
  }
  cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOF
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  # no recommends, no translations, and no downloaded .deb files or package caches left in a layer
  cat > "$rootfs/etc/apt/apt.conf.d/docker-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
  # update-alternatives (openjdk's postinst) links man pages: the folder must exist, even empty
  mkdir -p "$rootfs/usr/share/man/man1"
  tar -C "$rootfs" -c . | "$docker" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$base" > /dev/null
  rm -rf "$rootfs"
else
  step "$base exists (--rebuild makes it again)"
fi

build() { # build TAG DOCKERFILE [--build-arg ...]
  local tag=$1 file=$2
  shift 2
  step "building $tag"
  local cache=()
  if $rebuild; then cache=(--no-cache); fi
  "$docker" build -q "${cache[@]}" "${secret[@]}" -f "$here/local/$file" -t "$tag" "$@" "$here" > /dev/null
}
mirror_arg=()
if [ -n "$maven_mirror" ]; then mirror_arg=(--build-arg "MAVEN_MIRROR_URL=$maven_mirror"); fi

build "$prefix/jdk:17" jdk.Dockerfile --build-arg "DEBIAN_IMAGE=$base" --build-arg "MAVEN_VERSION=$maven_version" \
  --build-arg "MAVEN_REPOSITORY=${maven_mirror:-https://repo.maven.apache.org/maven2}"
build "$prefix/jre:17" jre.Dockerfile --build-arg "DEBIAN_IMAGE=$base"
build "$prefix/kafka:$kafka_version" kafka.Dockerfile --build-arg "JDK_IMAGE=$prefix/jdk:17" \
  --build-arg "JRE_IMAGE=$prefix/jre:17" "${mirror_arg[@]}"
build "$prefix/demo-camera:bookworm" demo-camera.Dockerfile --build-arg "DEBIAN_IMAGE=$base"

step "done"
"$docker" image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep "^$prefix/" | sort | sed 's/^/  /'
