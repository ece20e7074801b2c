package io.taskhub.ports.history;

import java.time.Instant;

/**
 * One immutable entry of an orchestration's append-only history. The same events travel as inbox messages
 * (a start, a task result, a raised event, a management request) and are recorded when a worker processes
 * them. See README.md in this package for every type and how events correlate.
 */
public sealed interface HistoryEvent permits ExecutionStarted, ExecutionCompleted, ExecutionTerminated,
        ExecutionSuspended, ExecutionResumed, ExecutionRewound, ContinueAsNew, OrchestratorStarted,
        OrchestratorCompleted, TaskScheduled, TaskCompleted, TaskFailed, SubOrchestrationCreated,
        SubOrchestrationCompleted, SubOrchestrationFailed, TimerCreated, TimerFired, EventRaised, EventSent {

    /** When the event happened (recorded by the worker or the client that produced it). */
    Instant timestamp();

    /** The Durable Functions name of this event type, as shown in {@code historyEvents}. */
    default String eventType() {
        return typeName(getClass());
    }

    /** The Durable Functions name of event type {@code type}: its record's name unless it says otherwise. */
    static String typeName(Class<? extends HistoryEvent> type) {
        EventTypeName wireName = type.getAnnotation(EventTypeName.class);
        return wireName != null ? wireName.value() : type.getSimpleName();
    }
}
