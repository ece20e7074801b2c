package io.taskhub.ports.history;

import java.time.Instant;

/** Durable timer {@code timerId} fired. */
public record TimerFired(Instant timestamp, int timerId, Instant fireAt) implements HistoryEvent {
    public TimerFired {
        Events.required(timestamp, "timestamp");
        Events.required(fireAt, "fireAt");
        Events.taskId(timerId);
    }
}
