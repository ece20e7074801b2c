package io.taskhub.core.worker;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Renews the leases of work in progress every third of the lease duration, so long steps and slow
 * activities keep their claim; a renewal that finds the lease lost stops renewing it (the commit will fail).
 *
 * <p>Renewals run side by side on a few threads, each lease's own: one after the other, a round over a worker's
 * two dozen items took a renewal's round trip two dozen times, and on a slow storage service (Azure Storage under
 * load) that outlasted short leases, which then lapsed while their work was still running.
 */
final class LeaseKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());
    private static final int RENEWERS = 4;

    private final ScheduledExecutorService timer;
    private final ExecutorService renewers;
    private final Map<Tracked, Runnable> inFlight = new ConcurrentHashMap<>();
    /** Items whose renewal is running: not renewed again until it returns. */
    private final Set<Tracked> renewing = ConcurrentHashMap.newKeySet();

    /**
     * A work item as a key, by identity: the items are records whose hash and equality walk every field (the
     * instance with its input, the messages), which a busy worker paid three times per item.
     */
    private record Tracked(Object item) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Tracked tracked && tracked.item == item;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(item);
        }

        @Override
        public String toString() {
            return describe(item);
        }
    }

    /** Names a work item in log lines, without its payloads (inputs, messages), which log lines leave out. */
    static String describe(Object item) {
        if (item instanceof OrchestrationWorkItem work) {
            return "the work item of instance " + work.instanceId();
        }
        if (item instanceof ActivityWorkItem work) {
            return "activity " + work.task().name() + " (task " + work.task().taskId() + ") of instance "
                    + work.task().instanceId();
        }
        return item.getClass().getSimpleName();
    }

    LeaseKeeper(Duration leaseDuration) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "taskhub-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger count = new AtomicInteger();
        renewers = Executors.newFixedThreadPool(RENEWERS, r -> {
            Thread t = new Thread(r, "taskhub-lease-renewer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, leaseDuration.toMillis() / 3);
        timer.scheduleAtFixedRate(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }

    /** Renews {@code item}'s lease with {@code renew} until {@link #untrack} is called with the same object. */
    void track(Object item, Runnable renew) {
        inFlight.put(new Tracked(item), renew);
    }

    void untrack(Object item) {
        inFlight.remove(new Tracked(item));
    }

    private void renewAll() {
        inFlight.forEach((key, renew) -> {
            if (!renewing.add(key)) {
                return; // its last renewal is still under way
            }
            try {
                renewers.execute(() -> renew(key, renew));
            } catch (RejectedExecutionException closing) {
                renewing.remove(key);
            }
        });
    }

    private void renew(Tracked key, Runnable renew) {
        try {
            if (inFlight.get(key) == renew) {
                renew.run();
            }
        } catch (LockLostException e) {
            // Usually the work was just committed (which releases the lease) before it was untracked; a
            // real loss is reported by the worker when its commit is refused.
            inFlight.remove(key, renew);
            LOG.log(System.Logger.Level.DEBUG, () -> "Stopped renewing " + key + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not renew the lease on " + key + "; will retry", e);
        } finally {
            renewing.remove(key);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        renewers.shutdownNow();
    }
}
