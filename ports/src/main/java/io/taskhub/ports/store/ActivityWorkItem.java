package io.taskhub.ports.store;

import java.util.Objects;

/** A claimed activity task; {@code receipt} is backend-specific and opaque to the worker. */
public record ActivityWorkItem(ActivityTask task, int dequeueCount, Lease lease, Object receipt) {
    public ActivityWorkItem {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(lease, "lease");
    }

    public ActivityWorkItem withLease(Lease renewed) {
        return new ActivityWorkItem(task, dequeueCount, renewed, receipt);
    }
}
