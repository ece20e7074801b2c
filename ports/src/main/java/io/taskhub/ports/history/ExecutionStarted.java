package io.taskhub.ports.history;

import io.taskhub.ports.model.ParentInstance;
import java.time.Instant;
import java.util.Map;

/**
 * The first event of every execution: which orchestrator runs, with which input.
 *
 * @param scheduledStartAt when set, the instance does not run before this time
 * @param parent           set for sub-orchestrations: where to report the result
 * @param traceParent      the W3C traceparent of the span that created the execution (the trace the instance's
 *                         steps and activities belong to), or null
 */
public record ExecutionStarted(Instant timestamp, String name, String version, String input, String executionId,
        ParentInstance parent, Instant scheduledStartAt, Map<String, String> tags, String traceParent)
        implements HistoryEvent {
    public ExecutionStarted {
        Events.required(timestamp, "timestamp");
        Events.required(name, "name");
        Events.required(executionId, "executionId");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A start outside any trace. */
    public ExecutionStarted(Instant timestamp, String name, String version, String input, String executionId,
            ParentInstance parent, Instant scheduledStartAt, Map<String, String> tags) {
        this(timestamp, name, version, input, executionId, parent, scheduledStartAt, tags, null);
    }

    /** This start under trace context {@code value} (a W3C traceparent, or null). */
    public ExecutionStarted withTraceParent(String value) {
        return new ExecutionStarted(timestamp, name, version, input, executionId, parent, scheduledStartAt, tags,
                value);
    }
}
