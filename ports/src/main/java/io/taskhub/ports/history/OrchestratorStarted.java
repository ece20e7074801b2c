package io.taskhub.ports.history;

import java.time.Instant;

/** Opens each step of an execution; its timestamp is the orchestrator's deterministic current time. */
public record OrchestratorStarted(Instant timestamp) implements HistoryEvent {
    public OrchestratorStarted {
        Events.required(timestamp, "timestamp");
    }
}
