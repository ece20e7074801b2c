package io.taskhub.ports.history;

import java.time.Instant;

/** The orchestrator asked to restart itself with a new input; the next execution gets a fresh history. */
public record ContinueAsNew(Instant timestamp, String input) implements HistoryEvent {
    public ContinueAsNew {
        Events.required(timestamp, "timestamp");
    }
}
