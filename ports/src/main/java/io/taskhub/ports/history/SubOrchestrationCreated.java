package io.taskhub.ports.history;

import java.time.Instant;

/** The orchestrator started sub-orchestration {@code instanceId}; its result comes back under {@code taskId}. */
@EventTypeName("SubOrchestrationInstanceCreated")
public record SubOrchestrationCreated(Instant timestamp, int taskId, String name, String instanceId, String input)
        implements HistoryEvent {
    public SubOrchestrationCreated {
        Events.required(timestamp, "timestamp");
        Events.required(name, "name");
        Events.required(instanceId, "instanceId");
        Events.taskId(taskId);
    }
}
