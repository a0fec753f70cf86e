# Stand-in for the builder image (MAVEN_IMAGE of deploy/docker/Dockerfile, public default
# maven:3.9-eclipse-temurin-17): Debian's OpenJDK 17 and Maven from Maven Central, the version the Maven Wrapper
# pins (.mvn/wrapper/maven-wrapper.properties; local-images.sh passes it). Built by deploy/docker/local-images.sh.
ARG DEBIAN_IMAGE=yolostream-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
ARG MAVEN_VERSION=3.9.9
ARG MAVEN_REPOSITORY=https://repo.maven.apache.org/maven2
# The secret `ca` (extra CA certificates, PEM) is only read while downloading Maven, never written to a layer.
RUN --mount=type=secret,id=ca \
    apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" /opt/openjdk-17 \
 && bundle=/etc/ssl/certs/ca-certificates.crt \
 && if [ -s /run/secrets/ca ]; then cat "$bundle" /run/secrets/ca > /tmp/ca.pem && bundle=/tmp/ca.pem; fi \
 && url="${MAVEN_REPOSITORY}/org/apache/maven/apache-maven/${MAVEN_VERSION}/apache-maven-${MAVEN_VERSION}-bin.tar.gz" \
 && curl -fsSL --cacert "$bundle" -o /tmp/maven.tar.gz "$url" \
 && echo "$(curl -fsSL --cacert "$bundle" "$url.sha512" | cut -c1-128)  /tmp/maven.tar.gz" | sha512sum -c - \
 && mkdir -p /opt/maven \
 && tar -xzf /tmp/maven.tar.gz --strip-components=1 -C /opt/maven \
 && ln -s /opt/maven/bin/mvn /usr/local/bin/mvn \
 && rm -f /tmp/maven.tar.gz /tmp/ca.pem
ENV JAVA_HOME=/opt/openjdk-17 \
    MAVEN_HOME=/opt/maven
CMD ["mvn", "--version"]
