package io.taskhub.ports.store;

import java.util.Objects;

/**
 * An activity to run for execution {@code executionId} of {@code instanceId}, as task {@code taskId}.
 *
 * @param traceParent the W3C traceparent of the step that scheduled it (its run's span is a child of that step's),
 *                    or null; stores keep it with the task
 */
public record ActivityTask(String instanceId, String executionId, int taskId, String name, String input,
        String traceParent) {
    public ActivityTask {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(name, "name");
    }

    /** A task outside any trace. */
    public ActivityTask(String instanceId, String executionId, int taskId, String name, String input) {
        this(instanceId, executionId, taskId, name, input, null);
    }
}
