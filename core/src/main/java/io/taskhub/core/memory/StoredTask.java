package io.taskhub.core.memory;

import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.Lease;
import java.time.Instant;

/** One activity queue entry; mutable, guarded by the owning store's lock. */
final class StoredTask {
    final long sequence;
    final ActivityTask task;
    Instant visibleAt;
    int dequeueCount;
    Lease lease;

    StoredTask(long sequence, ActivityTask task, Instant visibleAt) {
        this.sequence = sequence;
        this.task = task;
        this.visibleAt = visibleAt;
    }

    boolean isClaimable(Instant now) {
        return !visibleAt.isAfter(now) && !Leases.isHeld(lease, now);
    }

    boolean isHeldBy(Lease claimed) {
        return lease != null && lease.token().equals(claimed.token());
    }
}
