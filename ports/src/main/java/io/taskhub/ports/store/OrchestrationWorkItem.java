package io.taskhub.ports.store;

import io.taskhub.ports.model.InstanceMetadata;
import java.util.List;
import java.util.Objects;

/**
 * An instance's pending inbox messages, claimed together for one orchestration step.
 *
 * @param instance     the instance's stored metadata at claim time (never null: a message always has an
 *                     instance, since start messages create it)
 * @param messages     the visible messages in arrival order
 * @param dequeueCount how many times the oldest of these messages has been delivered, this time included
 * @param receipt      backend-specific data identifying the delivered messages; opaque to the worker
 */
public record OrchestrationWorkItem(String instanceId, InstanceMetadata instance, List<InstanceMessage> messages,
        int dequeueCount, Lease lease, Object receipt) {
    public OrchestrationWorkItem {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(lease, "lease");
        messages = List.copyOf(messages);
    }

    public OrchestrationWorkItem withLease(Lease renewed) {
        return new OrchestrationWorkItem(instanceId, instance, messages, dequeueCount, renewed, receipt);
    }
}
