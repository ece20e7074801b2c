package io.taskhub.ports.history;

import java.time.Instant;

/** A request to resume a suspended execution; held events are delivered after it. */
public record ExecutionResumed(Instant timestamp, String reason) implements HistoryEvent {
    public ExecutionResumed {
        Events.required(timestamp, "timestamp");
    }
}
