#!/usr/bin/env bash
# The command-line tools of the local Kafka stand-in: the Dockerfile links each name of Apache Kafka's bin/ folder
# that this image offers to this script, which runs the tool's class.
set -euo pipefail
case "$(basename "$0")" in
  kafka-broker-api-versions.sh) main=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  kafka-console-consumer.sh) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  kafka-console-producer.sh) main=org.apache.kafka.tools.ConsoleProducer ;;
  kafka-consumer-groups.sh) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  kafka-storage.sh) main=kafka.tools.StorageTool ;;
  kafka-topics.sh) main=org.apache.kafka.tools.TopicCommand ;;
  kafka-transactions.sh) main=org.apache.kafka.tools.TransactionsCommand ;;
  *) echo "kafka-tool.sh: no tool named $(basename "$0") in this image" >&2; exit 2 ;;
esac
exec /opt/kafka/bin/kafka-run-class.sh "$main" "$@"
