package io.taskhub.core.memory;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeMap;

/** The task hub's activity tasks, oldest first. Not thread-safe: guarded by the owning store's lock. */
final class ActivityQueue {
    /** What an activity work item's receipt holds: the queue entry it was claimed from. */
    record TaskReceipt(long sequence) {
    }

    private final TreeMap<Long, StoredTask> tasks = new TreeMap<>();

    void add(long sequence, ActivityTask task, Instant now) {
        tasks.put(sequence, new StoredTask(sequence, task, now));
    }

    /** Adds a task already claimed under {@code lease} (handed off by the commit that scheduled it). */
    ActivityWorkItem addLeased(long sequence, ActivityTask task, Lease lease, Instant now) {
        StoredTask stored = new StoredTask(sequence, task, now);
        stored.lease = lease;
        stored.dequeueCount = 1;
        tasks.put(sequence, stored);
        return new ActivityWorkItem(task, stored.dequeueCount, lease, new TaskReceipt(sequence));
    }

    Optional<ActivityWorkItem> claim(String owner, Duration leaseDuration, NameFilter names, Instant now) {
        Lease lease = Leases.newLease(owner, leaseDuration, now);
        for (StoredTask t : tasks.values()) {
            if (t.isClaimable(now) && names.accepts(t.task.name())) {
                t.lease = lease;
                t.dequeueCount++;
                return Optional.of(new ActivityWorkItem(t.task, t.dequeueCount, lease, new TaskReceipt(t.sequence)));
            }
        }
        return Optional.empty();
    }

    Lease renew(ActivityWorkItem item, Duration leaseDuration, Instant now) {
        Leases.requirePositive(leaseDuration, "leaseDuration");
        StoredTask t = heldBy(item);
        if (t == null) {
            throw lost(item, "the task was claimed by another worker, or its instance was purged or replaced");
        }
        // An expired lease nobody took over is still this worker's: renewing it is safe.
        t.lease = t.lease.renewedUntil(now.plus(leaseDuration));
        return t.lease;
    }

    /** The task of a work item whose lease is intact, for completion. */
    StoredTask requireLive(ActivityWorkItem item, Instant now) {
        StoredTask t = heldBy(item);
        if (t == null) {
            throw lost(item, "the task was claimed by another worker, is already completed, or its instance was"
                    + " purged or replaced");
        }
        if (!Leases.isHeld(t.lease, now)) {
            throw lost(item, "the lease expired at " + t.lease.expiresAt());
        }
        return t;
    }

    void remove(StoredTask task) {
        tasks.remove(task.sequence);
    }

    /** Returns whether the task was released; a lost lease is ignored. */
    boolean abandon(ActivityWorkItem item, Duration retryDelay, Instant now) {
        return release(item, retryDelay, now, true);
    }

    /** Gives the claim back: visible at once, and the claim not counted. */
    boolean giveBack(ActivityWorkItem item, Instant now) {
        return release(item, Duration.ZERO, now, false);
    }

    private boolean release(ActivityWorkItem item, Duration retryDelay, Instant now, boolean counted) {
        StoredTask t = heldBy(item);
        if (t == null) {
            return false;
        }
        t.lease = null;
        t.visibleAt = now.plus(retryDelay);
        if (!counted) {
            t.dequeueCount = Math.max(0, t.dequeueCount - 1);
        }
        return true;
    }

    /** The backlog with this queue's claimable tasks added to the given orchestration side. */
    io.taskhub.ports.store.Backlog backlog(long messages, Instant oldestMessage,
            java.util.Map<String, Long> byOrchestrator, Instant now) {
        long claimable = 0;
        Instant oldest = null;
        java.util.Map<String, Long> byActivity = new java.util.HashMap<>();
        for (StoredTask t : tasks.values()) {
            if (t.isClaimable(now)) {
                claimable++;
                oldest = oldest == null || t.visibleAt.isBefore(oldest) ? t.visibleAt : oldest;
                byActivity.merge(t.task.name(), 1L, Long::sum);
            }
        }
        return new io.taskhub.ports.store.Backlog(messages, oldestMessage, byOrchestrator, claimable, oldest,
                byActivity);
    }

    void removeInstance(String instanceId) {
        tasks.values().removeIf(t -> t.task.instanceId().equals(instanceId));
    }

    void clear() {
        tasks.clear();
    }

    /** The earliest moment after {@code since} when a task becomes visible or its lease runs out, or null. */
    Instant nextChangeAfter(Instant since) {
        Instant next = null;
        for (StoredTask t : tasks.values()) {
            next = Wakeups.earliestAfter(next, t.visibleAt, since);
            if (t.lease != null) {
                next = Wakeups.earliestAfter(next, t.lease.expiresAt(), since);
            }
        }
        return next;
    }

    private StoredTask heldBy(ActivityWorkItem item) {
        if (!(item.receipt() instanceof TaskReceipt receipt)) {
            throw new IllegalArgumentException("The work item was not claimed from this store (receipt "
                    + item.receipt() + ").");
        }
        StoredTask t = tasks.get(receipt.sequence());
        return t != null && t.isHeldBy(item.lease()) ? t : null;
    }

    private static LockLostException lost(ActivityWorkItem item, String why) {
        return new LockLostException("The lease on activity task " + item.task().taskId() + " ('"
                + item.task().name() + "') of instance '" + item.task().instanceId() + "' is lost: " + why + ".");
    }
}
