# Stand-in for the runtime image (JRE_IMAGE of deploy/docker/Dockerfile, public default eclipse-temurin:17-jre):
# Debian's OpenJDK 17 runtime, `java` on the PATH, JAVA_HOME at /opt/java/openjdk as in Temurin's images.
# Built by deploy/docker/local-images.sh. (The gpu image copies /opt/java/openjdk from this image; with this
# stand-in that is a link into /usr/lib/jvm, so the gpu image needs the real Temurin image or a CUDA base with a JRE.)
ARG DEBIAN_IMAGE=yolostream-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /opt/java \
 && ln -s "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
CMD ["java", "-version"]
