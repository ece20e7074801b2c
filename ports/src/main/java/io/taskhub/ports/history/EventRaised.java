package io.taskhub.ports.history;

import java.time.Instant;

/** External event {@code name} arrived with payload {@code input} (JSON). */
public record EventRaised(Instant timestamp, String name, String input) implements HistoryEvent {
    public EventRaised {
        Events.required(timestamp, "timestamp");
        Events.required(name, "name");
    }
}
