package io.taskhub.postgres;

import java.util.HashMap;
import java.util.Map;

/**
 * Threads waiting for changes of particular instances of one task hub ({@code awaitInstanceChange}), woken by
 * the instance notifications. Only instances somebody waits for are tracked.
 */
final class InstanceWatchers {
    /** The waiters of one instance; {@code version} counts the notifications seen for it. */
    static final class Watch {
        private int users;
        private long version;

        synchronized long version() {
            return version;
        }

        synchronized void changed() {
            version++;
            notifyAll();
        }

        /** Waits until a notification after {@code seenVersion} or until {@code millis} pass. */
        synchronized void await(long seenVersion, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (version == seenVersion) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        }
    }

    private final Map<String, Watch> watches = new HashMap<>();

    synchronized Watch watch(String instanceId) {
        Watch watch = watches.computeIfAbsent(instanceId, id -> new Watch());
        watch.users++;
        return watch;
    }

    synchronized void unwatch(String instanceId, Watch watch) {
        if (--watch.users == 0) {
            watches.remove(instanceId, watch);
        }
    }

    void changed(String instanceId) {
        Watch watch;
        synchronized (this) {
            watch = watches.get(instanceId);
        }
        if (watch != null) {
            watch.changed();
        }
    }

    void changedAll() {
        Watch[] all;
        synchronized (this) {
            all = watches.values().toArray(Watch[]::new);
        }
        for (Watch watch : all) {
            watch.changed();
        }
    }
}
