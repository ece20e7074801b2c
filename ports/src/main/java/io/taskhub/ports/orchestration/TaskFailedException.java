package io.taskhub.ports.orchestration;

import io.taskhub.ports.model.FailureDetails;

/** An activity or sub-orchestration failed; {@link #failure()} carries its error type and message. */
public class TaskFailedException extends RuntimeException {
    private final String taskName;
    private final int taskId;
    private final FailureDetails failure;

    public TaskFailedException(String taskName, int taskId, FailureDetails failure) {
        super("Task '" + taskName + "' (#" + taskId + ") failed with " + failure.summary());
        this.taskName = taskName;
        this.taskId = taskId;
        this.failure = failure;
    }

    public String taskName() {
        return taskName;
    }

    public int taskId() {
        return taskId;
    }

    public FailureDetails failure() {
        return failure;
    }
}
