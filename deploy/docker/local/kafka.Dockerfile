# Stand-in for the official Kafka image (KAFKA image of docker-compose.yml, public apache/kafka:4.4.0): the same
# Kafka release's jars from Maven Central (kafka/pom.xml) on the local JRE, configured by the same KAFKA_*
# environment variables through the official image's own code (kafka/docker/run). Paths as in the official image:
# /opt/kafka (bin/, libs/, config/), /etc/kafka/docker, /mnt/shared/config, user appuser (uid 1000).
# Built by deploy/docker/local-images.sh, with deploy/docker as the build context.
ARG JDK_IMAGE=yolostream-local/jdk:17
ARG JRE_IMAGE=yolostream-local/jre:17

FROM ${JDK_IMAGE} AS jars
WORKDIR /build
COPY mvn.sh local/kafka/pom.xml ./
ARG MAVEN_MIRROR_URL=
RUN --mount=type=cache,id=yolostream-maven-repository,target=/root/.m2/repository \
    --mount=type=secret,id=ca \
    MAVEN_MIRROR_URL="${MAVEN_MIRROR_URL}" sh mvn.sh /build/no-ca-dir -q dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=/opt/kafka/libs \
 && ls /opt/kafka/libs/kafka_2.13-*.jar /opt/kafka/libs/kafka-tools-[0-9]*.jar

FROM ${JRE_IMAGE}
RUN groupadd --system --gid 1000 appuser \
 && useradd --system --uid 1000 --gid appuser --home-dir /home/appuser --create-home --shell /usr/sbin/nologin appuser \
 && mkdir -p /opt/kafka/config /mnt/shared/config /var/lib/kafka/data /etc/kafka/docker \
 && chown appuser:appuser /opt/kafka/config /var/lib/kafka/data
COPY --from=jars /opt/kafka/libs/ /opt/kafka/libs/
COPY local/kafka/bin/ /opt/kafka/bin/
COPY local/kafka/docker/ /etc/kafka/docker/
RUN for tool in kafka-broker-api-versions kafka-console-consumer kafka-console-producer kafka-consumer-groups \
      kafka-storage kafka-topics kafka-transactions; do ln -s kafka-tool.sh "/opt/kafka/bin/$tool.sh"; done
USER appuser
WORKDIR /home/appuser
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
