package io.taskhub.ports.history;

import io.taskhub.ports.model.FailureDetails;
import java.time.Instant;

/** Sub-orchestration {@code taskId} failed (or was terminated). */
@EventTypeName("SubOrchestrationInstanceFailed")
public record SubOrchestrationFailed(Instant timestamp, int taskId, FailureDetails failure) implements HistoryEvent {
    public SubOrchestrationFailed {
        Events.required(timestamp, "timestamp");
        Events.required(failure, "failure");
        Events.taskId(taskId);
    }
}
