package io.taskhub.ports.history;

import java.time.Instant;

/** The orchestrator created durable timer {@code timerId}, due at {@code fireAt}. */
public record TimerCreated(Instant timestamp, int timerId, Instant fireAt) implements HistoryEvent {
    public TimerCreated {
        Events.required(timestamp, "timestamp");
        Events.required(fireAt, "fireAt");
        Events.taskId(timerId);
    }
}
