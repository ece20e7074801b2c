package io.taskhub.ports.model;

import java.util.Objects;

/** The orchestration that started a sub-orchestration, and the task id under which it awaits the result. */
public record ParentInstance(String instanceId, String executionId, String name, int taskId) {
    public ParentInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(executionId, "executionId");
    }
}
