package io.taskhub.ports.history;

import java.time.Instant;

/** Activity {@code taskId} returned {@code result} (JSON). */
public record TaskCompleted(Instant timestamp, int taskId, String result) implements HistoryEvent {
    public TaskCompleted {
        Events.required(timestamp, "timestamp");
        Events.taskId(taskId);
    }
}
