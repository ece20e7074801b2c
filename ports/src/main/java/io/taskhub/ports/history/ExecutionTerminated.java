package io.taskhub.ports.history;

import java.time.Instant;

/** A request to terminate; {@code recursive} terminates running sub-orchestrations too. */
public record ExecutionTerminated(Instant timestamp, String reason, boolean recursive) implements HistoryEvent {
    public ExecutionTerminated {
        Events.required(timestamp, "timestamp");
    }
}
