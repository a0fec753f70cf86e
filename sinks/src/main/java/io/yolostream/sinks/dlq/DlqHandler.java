package io.yolostream.sinks.dlq;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends a record that cannot be deserialized to the DLQ topic, raw (key, value, headers, timestamp as read) with
 * headers {@code yolostream.dlq.reason} (what was expected, what was found) and {@code yolostream.dlq.source}
 * ({@code topic/partition/offset}), then lets the app continue. The DLQ record is written in the task's transaction
 * (exactly-once v2), so it appears once with the offset commit that skips the bad record. Each record is logged
 * as one line (where it came from, where it went, why); Kafka Streams' own warning for it carries a stack trace,
 * which {@code yolostream} silences (its log setup) since this line says it all.
 */
public final class DlqHandler implements DeserializationExceptionHandler {
    /** Streams config: the DLQ topic. */
    public static final String TOPIC_CONFIG = "yolostream.dlq.topic";
    /** Streams config (optional): a {@code Consumer<String>} told the reason of each record sent to the DLQ. */
    public static final String LISTENER_CONFIG = "yolostream.dlq.listener";
    public static final String REASON_HEADER = "yolostream.dlq.reason";
    public static final String SOURCE_HEADER = "yolostream.dlq.source";

    private static final Logger LOG = LoggerFactory.getLogger(DlqHandler.class);

    private String topic;
    private Consumer<String> listener = reason -> { };

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(TOPIC_CONFIG);
        if (t == null || t.toString().isBlank()) {
            throw new IllegalArgumentException(TOPIC_CONFIG + ": expected the DLQ topic, found none");
        }
        topic = t.toString();
        if (configs.get(LISTENER_CONFIG) instanceof Consumer<?> c) {
            listener = (Consumer<String>) c;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        String reason = reason(exception);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, (record.topic() + "/" + record.partition() + "/" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        LOG.warn("unreadable record {}/{}/{} (key {}) sent to {}: {}", record.topic(), record.partition(),
                record.offset(), record.key() == null ? "null" : record.key().length + " bytes", topic,
                reason.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        listener.accept(reason);
        return Response.resume(List.of(new ProducerRecord<>(topic, null, record.timestamp(), record.key(),
                record.value(), headers)));
    }

    static String reason(Throwable e) {
        // AvroSerde's message already says what was expected and found, and names the cause
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }
}
