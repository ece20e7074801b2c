package io.taskhub.runtime.metrics;

import io.taskhub.ports.store.Backlog;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A task hub's backlog, read from its store on the metrics thread ({@link #refresh}) and kept for the gauges, which
 * read only the kept value: a scrape never waits for the storage, and never fails because it is away (the gauges
 * then read nothing).
 */
final class BacklogSampler {
    private final OrchestrationStore store;
    private volatile Optional<Backlog> latest = Optional.empty();
    private volatile Instant readAt = Instant.EPOCH;

    BacklogSampler(OrchestrationStore store) {
        this.store = store;
    }

    /** Reads the backlog again; empty when the store does not report one or does not answer. */
    Optional<Backlog> refresh() {
        try {
            Instant at = store.now();
            latest = store.backlog();
            readAt = at;
        } catch (RuntimeException unavailable) {
            latest = Optional.empty();
        }
        return latest;
    }

    Optional<Backlog> cached() {
        return latest;
    }

    /** Seconds the oldest waiting item had waited when last read (0 when none waited; NaN when unknown). */
    double oldestAge(boolean orchestrations) {
        Optional<Backlog> backlog = latest;
        if (backlog.isEmpty()) {
            return Double.NaN;
        }
        Instant oldest = orchestrations ? backlog.get().oldestOrchestrationMessage()
                : backlog.get().oldestActivityTask();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, readAt).toNanos() / 1e9);
    }
}
