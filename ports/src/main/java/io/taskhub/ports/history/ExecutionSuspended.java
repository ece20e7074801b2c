package io.taskhub.ports.history;

import java.time.Instant;

/** A request to suspend: events that arrive while suspended are held until resumed. */
public record ExecutionSuspended(Instant timestamp, String reason) implements HistoryEvent {
    public ExecutionSuspended {
        Events.required(timestamp, "timestamp");
    }
}
