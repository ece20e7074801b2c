package io.taskhub.ports.history;

import java.time.Instant;

/** Closes each step of an execution. */
public record OrchestratorCompleted(Instant timestamp) implements HistoryEvent {
    public OrchestratorCompleted {
        Events.required(timestamp, "timestamp");
    }
}
