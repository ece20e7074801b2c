package io.taskhub.ports.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The claim a worker makes of an activity's instance together with the activity's result: the instance is locked
 * for {@code owner} for {@code leaseDuration} and up to {@code maxMessages} of its visible messages, oldest first (so
 * the result among them unless more older ones wait), are handed back, as {@link OrchestrationStore#claimOrchestrationWorkItem} would, but only when nobody
 * holds the instance and {@code names} accepts its orchestrator. The worker then runs the instance's next step
 * without another claim or wake-up.
 */
public record InstanceClaim(String owner, Duration leaseDuration, int maxMessages, NameFilter names) {
    public InstanceClaim {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(names, "names");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
    }
}
