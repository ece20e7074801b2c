package io.taskhub.ports.history;

import java.time.Instant;

/** The orchestrator scheduled activity {@code name}; its result comes back under the same {@code taskId}. */
public record TaskScheduled(Instant timestamp, int taskId, String name, String input) implements HistoryEvent {
    public TaskScheduled {
        Events.required(timestamp, "timestamp");
        Events.required(name, "name");
        Events.taskId(taskId);
    }
}
