package io.taskhub.core.memory;

import io.taskhub.ports.store.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** Lease arithmetic shared by instance locks and activity task locks. */
final class Leases {
    private Leases() {
    }

    static Lease newLease(String owner, Duration duration, Instant now) {
        Objects.requireNonNull(owner, "owner");
        return new Lease(owner, UUID.randomUUID().toString(), now.plus(requirePositive(duration, "leaseDuration")));
    }

    /** A lease protects its work item until it expires; an expired lease may be taken over. */
    static boolean isHeld(Lease lease, Instant now) {
        return lease != null && lease.expiresAt().isAfter(now);
    }

    static Duration requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return duration;
    }

    static Duration requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
        return duration;
    }
}
