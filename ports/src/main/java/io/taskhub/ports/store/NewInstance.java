package io.taskhub.ports.store;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.Objects;
import java.util.Set;

/** One instance of a batch start: what {@link OrchestrationStore#createInstance} takes, as a value. */
public record NewInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses) {
    public NewInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(started, "started");
        replaceableStatuses = Set.copyOf(replaceableStatuses);
    }
}
