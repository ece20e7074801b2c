package io.taskhub.ports.history;

import java.time.Instant;

/** A request to rewind a failed execution: failed work is re-run, successful results are kept. */
public record ExecutionRewound(Instant timestamp, String reason) implements HistoryEvent {
    public ExecutionRewound {
        Events.required(timestamp, "timestamp");
    }
}
