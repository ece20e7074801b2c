package io.taskhub.core.worker;

import io.taskhub.ports.errors.LockLostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews the leases of work in progress every third of the lease duration, so long steps and slow
 * activities keep their claim; a renewal that finds the lease lost stops renewing it (the commit will fail).
 */
final class LeaseKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    private final ScheduledExecutorService timer;
    private final Map<Object, Runnable> inFlight = new ConcurrentHashMap<>();

    LeaseKeeper(Duration leaseDuration) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "taskhub-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, leaseDuration.toMillis() / 3);
        timer.scheduleAtFixedRate(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }

    void track(Object key, Runnable renew) {
        inFlight.put(key, renew);
    }

    void untrack(Object key) {
        inFlight.remove(key);
    }

    private void renewAll() {
        inFlight.forEach((key, renew) -> {
            try {
                renew.run();
            } catch (LockLostException e) {
                // Usually the work was just committed (which releases the lease) before it was untracked; a
                // real loss is reported by the worker when its commit is refused.
                inFlight.remove(key);
                LOG.log(System.Logger.Level.DEBUG, "Stopped renewing " + key + ": " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not renew the lease on " + key + "; will retry", e);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
