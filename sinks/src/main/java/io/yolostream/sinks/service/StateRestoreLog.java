package io.yolostream.sinks.service;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One line about the sinks' local state each time the app (re)reaches RUNNING: whether the persistent stores were
 * current (they resumed from the offsets committed into them at the last clean stop) or how many changelog records
 * were restored into which of them. The in-memory suppression buffers are rebuilt from their changelogs on every
 * start, so they are reported apart. Kafka Streams itself says nothing at WARN and above when it restores.
 */
final class StateRestoreLog implements StateRestoreListener {
    private final Logger log;
    private final Set<String> persistent;
    private final Map<String, Long> restored = new TreeMap<>();
    private long startNanos;
    private boolean first = true;

    /** @param persistent the names of the RocksDB stores (the others are in memory) */
    StateRestoreLog(Logger log, Set<String> persistent) {
        this.log = log;
        this.persistent = Set.copyOf(persistent);
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition partition, String store, long startingOffset,
                                            long endingOffset) {
        if (restored.isEmpty()) {
            startNanos = System.nanoTime();
        }
        restored.merge(store, 0L, Long::sum);
    }

    @Override
    public synchronized void onBatchRestored(TopicPartition partition, String store, long batchEndOffset,
                                             long numRestored) {
        restored.merge(store, numRestored, Long::sum);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    }

    /** Called when the app reaches RUNNING: logs what was restored since the last call. */
    synchronized void running() {
        long stores = sum(true);
        long buffers = sum(false);
        String inMemory = buffers == 0 ? "" : "; " + buffers + " records rebuilt the in-memory suppression buffers";
        if (stores > 0) {
            log.info("sinks state: restored {} changelog records into {} in {} ms (the stores were behind: the last"
                    + " stop was not clean, or the state directory is new){}", stores, names(true),
                    (System.nanoTime() - startNanos) / 1_000_000, inMemory);
        } else if (first) {
            log.info("sinks state: stores up to date, resumed from their committed offsets{}", inMemory);
        }
        first = false;
        restored.clear();
    }

    private long sum(boolean persistentStores) {
        return restored.entrySet().stream().filter(e -> persistent.contains(e.getKey()) == persistentStores)
                .mapToLong(Map.Entry::getValue).sum();
    }

    private String names(boolean persistentStores) {
        return String.join(", ", restored.entrySet().stream()
                .filter(e -> persistent.contains(e.getKey()) == persistentStores && e.getValue() > 0)
                .map(Map.Entry::getKey).toList());
    }
}
