package io.taskhub.ports.store;

import java.util.Objects;

/** An activity to run for execution {@code executionId} of {@code instanceId}, as task {@code taskId}. */
public record ActivityTask(String instanceId, String executionId, int taskId, String name, String input) {
    public ActivityTask {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(name, "name");
    }
}
