package io.taskhub.core.worker;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a worker's announcement in its task hub alive while the worker runs, and withdraws it when the worker
 * stops; a worker that crashed drops out when its announcement lapses.
 */
final class WorkerPresence implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerPresence.class.getName());
    /** How often the announcement is renewed; it lasts three times as long, so one missed renewal is harmless. */
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);

    private final OrchestrationStore store;
    private final String workerId;
    private final OrchestrationRegistry registry;
    private final boolean anyName;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    /** @param anyName whether the worker also takes every name it lacks (for its remote workers) */
    WorkerPresence(OrchestrationStore store, String workerId, OrchestrationRegistry registry, boolean anyName) {
        this.store = store;
        this.workerId = workerId;
        this.registry = registry;
        this.anyName = anyName;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "taskhub-presence");
            t.setDaemon(true);
            return t;
        });
    }

    /** Announces the worker now (so that it counts as live before it claims anything), then every few seconds. */
    WorkerPresence start() {
        renew();
        timer.scheduleWithFixedDelay(this::renew, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    private void renew() {
        try {
            store.registerWorker(new WorkerRegistration(workerId, names(registry.orchestratorNames()),
                    names(registry.activityNames()), store.now().plus(RENEW_EVERY.multipliedBy(3))));
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "Worker " + workerId + " is announced to its task hub again.");
            }
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.log(System.Logger.Level.WARNING, "Could not announce worker " + workerId + " to its task hub"
                        + " (it keeps working; the status of its instances may say no worker runs them): " + e);
            }
            failing = true;
        }
    }

    private java.util.Set<String> names(java.util.Set<String> registered) {
        if (!anyName) {
            return registered;
        }
        java.util.Set<String> all = new java.util.TreeSet<>(registered);
        all.add(WorkerRegistration.ANY_NAME);
        return all;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.unregisterWorker(workerId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not withdraw worker " + workerId + "; its announcement"
                    + " lapses by itself: " + e);
        }
    }
}
