#!/usr/bin/env bash
# kafka-server-start.sh of the local Kafka stand-in: the broker with the defaults of Apache Kafka's script.
#   kafka-server-start.sh server.properties
set -euo pipefail
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
export KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.yaml}
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
