package io.taskhub.ports.history;

import io.taskhub.ports.model.FailureDetails;
import java.time.Instant;

/** Activity {@code taskId} threw. */
public record TaskFailed(Instant timestamp, int taskId, FailureDetails failure) implements HistoryEvent {
    public TaskFailed {
        Events.required(timestamp, "timestamp");
        Events.required(failure, "failure");
        Events.taskId(taskId);
    }
}
