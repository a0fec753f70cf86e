#!/usr/bin/env bash
# kafka-run-class.sh of the local Kafka stand-in (deploy/docker/local/kafka.Dockerfile): java with Kafka's jars
# (from Maven Central) on the class path and the environment variables of Apache Kafka's own script.
set -euo pipefail
base=/opt/kafka
tools_log4j=$base/config/tools-log4j2.yaml
if [ ! -f "$tools_log4j" ]; then
  tools_log4j=/etc/kafka/docker/tools-log4j2.yaml
fi
heap=${KAFKA_HEAP_OPTS:--Xmx256M}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$tools_log4j}
# shellcheck disable=SC2086 # the *_OPTS variables are lists of options
exec java $heap $perf $log4j ${KAFKA_OPTS:-} -cp "$base/libs/*" "$@"
