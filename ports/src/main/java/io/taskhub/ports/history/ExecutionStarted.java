package io.taskhub.ports.history;

import io.taskhub.ports.model.ParentInstance;
import java.time.Instant;
import java.util.Map;

/**
 * The first event of every execution: which orchestrator runs, with which input.
 *
 * @param scheduledStartAt when set, the instance does not run before this time
 * @param parent           set for sub-orchestrations: where to report the result
 */
public record ExecutionStarted(Instant timestamp, String name, String version, String input, String executionId,
        ParentInstance parent, Instant scheduledStartAt, Map<String, String> tags) implements HistoryEvent {
    public ExecutionStarted {
        Events.required(timestamp, "timestamp");
        Events.required(name, "name");
        Events.required(executionId, "executionId");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
