package io.taskhub.ports.history;

import java.time.Instant;

/** The orchestrator sent event {@code name} to instance {@code instanceId}. */
public record EventSent(Instant timestamp, int eventId, String instanceId, String name, String input)
        implements HistoryEvent {
    public EventSent {
        Events.required(timestamp, "timestamp");
        Events.required(instanceId, "instanceId");
        Events.required(name, "name");
        Events.taskId(eventId);
    }
}
