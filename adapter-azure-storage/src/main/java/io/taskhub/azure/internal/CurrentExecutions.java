package io.taskhub.azure.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which execution an instance's row named when this process last looked, trusted for {@link #KNOWN_FOR}: an
 * activity claim checks that its task's execution is still the instance's (a purged or replaced instance's tasks
 * are deleted instead of run), and a fan-out's tasks, or a task its own step scheduled a moment ago, need not
 * read the row again for it. Another process's purge or replacement within that window lets a task run whose
 * result is then dropped at its instance (no row, or another execution); this process forgets what it knew of an
 * instance when it purges or replaces it.
 */
final class CurrentExecutions {
    static final Duration KNOWN_FOR = Duration.ofSeconds(2);
    private static final int MAX_KNOWN = 10_000;

    private record Known(String executionId, Instant until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    /** The row of {@code instanceId} named {@code executionId} just now. */
    void seen(String instanceId, String executionId) {
        if (known.size() > MAX_KNOWN) {
            known.clear();
        }
        known.put(instanceId, new Known(executionId, Instant.now().plus(KNOWN_FOR)));
    }

    /** True when a look within {@link #KNOWN_FOR} found {@code executionId} current; false when unknown. */
    boolean isKnownCurrent(String instanceId, String executionId) {
        Known k = known.get(instanceId);
        return k != null && k.until().isAfter(Instant.now()) && k.executionId().equals(executionId);
    }

    /** This process purged or replaced the instance (or found its row missing). */
    void forget(String instanceId) {
        known.remove(instanceId);
    }

    /** This process purged or replaced instances it cannot name one by one. */
    void forgetAll() {
        known.clear();
    }
}
