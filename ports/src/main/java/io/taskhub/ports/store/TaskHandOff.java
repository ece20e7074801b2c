package io.taskhub.ports.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What a worker asks of a step's commit for the activity tasks the step schedules: the first {@code maxTasks}
 * of them whose activity {@code names} accepts (the ones this worker runs) are stored already leased to
 * {@code owner} for {@code leaseDuration}, and handed back as claimed work items, so the worker runs them at once
 * without claiming them (a transaction and a wake-up saved per task). Other workers see them only when that lease
 * runs out, as with any claim.
 */
public record TaskHandOff(String owner, Duration leaseDuration, int maxTasks, NameFilter names) {
    public TaskHandOff {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
        if (maxTasks < 0) {
            throw new IllegalArgumentException("maxTasks must not be negative, was " + maxTasks);
        }
    }
}
