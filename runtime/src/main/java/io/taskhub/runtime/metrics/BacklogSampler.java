package io.taskhub.runtime.metrics;

import io.taskhub.ports.store.Backlog;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A task hub's backlog, read from its store at most every few seconds however often the gauges are read (each
 * scrape reads several), and never failing a scrape: when the store does not answer, the gauges read nothing.
 */
final class BacklogSampler {
    private static final long FRESH_FOR_NANOS = Duration.ofSeconds(5).toNanos();

    private final OrchestrationStore store;
    private Optional<Backlog> latest = Optional.empty();
    private Instant readAt = Instant.EPOCH;
    private long readAtNanos = Long.MIN_VALUE;

    BacklogSampler(OrchestrationStore store) {
        this.store = store;
    }

    synchronized Optional<Backlog> latest() {
        long now = System.nanoTime();
        if (readAtNanos == Long.MIN_VALUE || now - readAtNanos > FRESH_FOR_NANOS) {
            try {
                latest = store.backlog();
            } catch (RuntimeException unavailable) {
                latest = Optional.empty();
            }
            readAtNanos = now;
            readAt = store.now();
        }
        return latest;
    }

    /** Seconds since the oldest waiting item became visible (0 when none waits; NaN when unknown). */
    synchronized double oldestAge(boolean orchestrations) {
        Optional<Backlog> backlog = latest();
        if (backlog.isEmpty()) {
            return Double.NaN;
        }
        Instant oldest = orchestrations ? backlog.get().oldestOrchestrationMessage()
                : backlog.get().oldestActivityTask();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, readAt).toNanos() / 1e9);
    }
}
