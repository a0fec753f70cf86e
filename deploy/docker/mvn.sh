#!/bin/sh
# Maven inside an image build (deploy/docker/Dockerfile, deploy/docker/local/kafka.Dockerfile):
#   mvn.sh CA_DIR MAVEN-ARGUMENTS...
#
# - Extra CA certificates: HTTPS re-signed by a proxy or a local certificate authority (corporate proxies, these CI
#   machines) fails with "PKIX path building failed" unless Maven trusts that authority. Every certificate in the
#   build secret `ca` (/run/secrets/ca, a PEM file or bundle) and in CA_DIR/*.crt, CA_DIR/*.pem is added to a copy
#   of the JDK's own trust store, in a temporary folder removed when Maven ends: nothing of it stays in a layer.
# - MAVEN_MIRROR_URL (build argument): a repository manager that mirrors Maven Central (air-gapped sites); unset,
#   Maven Central is used.
# The local repository is /root/.m2/repository, a BuildKit cache mount in the Dockerfiles (kept between builds).
set -eu
ca_dir=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pems=""
if [ -s /run/secrets/ca ]; then
  pems=/run/secrets/ca
fi
for f in "$ca_dir"/*.crt "$ca_dir"/*.pem; do
  if [ -f "$f" ]; then
    pems="$pems $f"
  fi
done
opts=""
if [ -n "$pems" ]; then
  java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  cp "$java_home/lib/security/cacerts" "$tmp/truststore"
  # keytool imports one certificate per file: split bundles first
  # shellcheck disable=SC2086 # $pems is a list of files
  awk -v dir="$tmp" '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/extra-%03d.pem", dir, n) }
                     f { print > f }
                     /-----END CERTIFICATE-----/ { close(f); f = "" }' $pems
  count=0
  for c in "$tmp"/extra-*.pem; do
    [ -f "$c" ] || continue
    keytool -importcert -noprompt -keystore "$tmp/truststore" -storepass changeit \
      -alias "yolostream-build-$(basename "$c" .pem)" -file "$c" > /dev/null
    count=$((count + 1))
  done
  echo "mvn.sh: trusting $count extra CA certificate(s) for this build (not kept in the image)"
  opts="-Djavax.net.ssl.trustStore=$tmp/truststore -Djavax.net.ssl.trustStorePassword=changeit"
fi
settings=""
if [ -n "${MAVEN_MIRROR_URL:-}" ]; then
  cat > "$tmp/settings.xml" <<EOF
<settings>
  <mirrors>
    <mirror><id>build-mirror</id><mirrorOf>*</mirrorOf><url>${MAVEN_MIRROR_URL}</url></mirror>
  </mirrors>
</settings>
EOF
  settings="-s $tmp/settings.xml"
  echo "mvn.sh: every repository through the mirror ${MAVEN_MIRROR_URL}"
fi
# shellcheck disable=SC2086 # $settings is empty or two words
MAVEN_OPTS="${MAVEN_OPTS:-} $opts" mvn -B -ntp -Dmaven.repo.local=/root/.m2/repository $settings "$@"
