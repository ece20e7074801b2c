package io.taskhub.ports.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The claim of the next activity task a worker makes together with an activity's result: the oldest visible task
 * that nobody holds and {@code names} accepts, leased to {@code owner} for {@code leaseDuration}, as
 * {@link OrchestrationStore#claimActivityWorkItem(String, Duration, NameFilter)} would. The worker's thread then
 * runs it without another claim; under a fan-out that is one round trip per activity instead of two.
 */
public record ActivityClaim(String owner, Duration leaseDuration, NameFilter names) {
    public ActivityClaim {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(names, "names");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
    }
}
