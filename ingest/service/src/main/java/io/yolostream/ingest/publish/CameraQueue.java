package io.yolostream.ingest.publish;

import io.yolostream.ingest.IngestException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One camera's bounded queue between its source thread and the sender. Live sources {@link #offer} (never blocks: a
 * full queue drops its oldest droppable item, counted), replays {@link #put} (blocks while full). The sender takes
 * items with {@link #pollIf}, which checks and removes the head atomically, so a concurrent drop cannot swap the head
 * under it. Items the {@code droppable} predicate rejects (an end-of-stream marker) are never dropped.
 */
final class CameraQueue<T> {
    private final int capacity;
    private final Predicate<T> droppable;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private long dropped;
    private boolean closed;

    CameraQueue(int capacity, Predicate<T> droppable) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity: expected >= 1, found " + capacity);
        }
        this.capacity = capacity;
        this.droppable = droppable;
        this.items = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /**
     * Adds without blocking. Returns the item dropped to make room (the oldest droppable one), or null. When nothing
     * in a full queue is droppable the new item itself is dropped and returned. After close the item is returned.
     */
    T offer(T item) {
        lock.lock();
        try {
            if (closed) {
                return item;
            }
            T victim = null;
            if (items.size() >= capacity) {
                victim = removeOldestDroppable();
                if (victim == null) {
                    dropped++;
                    return item;
                }
                dropped++;
            }
            items.addLast(item);
            return victim;
        } finally {
            lock.unlock();
        }
    }

    /** Adds, waiting while the queue is full. Throws IngestException when the queue is (or gets) closed. */
    void put(T item) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.size() >= capacity && !closed) {
                notFull.await();
            }
            if (closed) {
                throw new IngestException("publisher closed: frame not accepted");
            }
            items.addLast(item);
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the head if {@code accept} takes it; null when empty or refused. */
    T pollIf(Predicate<T> accept) {
        lock.lock();
        try {
            T head = items.peekFirst();
            if (head == null || !accept.test(head)) {
                return null;
            }
            items.pollFirst();
            notFull.signal();
            return head;
        } finally {
            lock.unlock();
        }
    }

    /** The head without removing it (may be dropped by a concurrent offer right after). */
    T peek() {
        lock.lock();
        try {
            return items.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Items dropped by {@link #offer} since creation. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further items, wakes blocked putters (they throw) and returns what was still queued. */
    List<T> close() {
        lock.lock();
        try {
            closed = true;
            List<T> rest = new ArrayList<>(items);
            items.clear();
            notFull.signalAll();
            return rest;
        } finally {
            lock.unlock();
        }
    }

    private T removeOldestDroppable() {
        for (Iterator<T> it = items.iterator(); it.hasNext(); ) {
            T t = it.next();
            if (droppable.test(t)) {
                it.remove();
                return t;
            }
        }
        return null;
    }
}
