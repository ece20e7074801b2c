package io.taskhub.ports.history;

import java.time.Instant;

/** Sub-orchestration {@code taskId} completed with {@code result} (JSON). */
@EventTypeName("SubOrchestrationInstanceCompleted")
public record SubOrchestrationCompleted(Instant timestamp, int taskId, String result) implements HistoryEvent {
    public SubOrchestrationCompleted {
        Events.required(timestamp, "timestamp");
        Events.taskId(taskId);
    }
}
