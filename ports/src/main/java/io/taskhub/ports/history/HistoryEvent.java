package io.taskhub.ports.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One immutable entry of an orchestration's append-only history. The same events travel as inbox messages
 * (a start, a task result, a raised event, a management request) and are recorded when a worker processes
 * them. See README.md in this package for every type and how events correlate.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "eventType")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ExecutionStarted.class, name = "ExecutionStarted"),
    @JsonSubTypes.Type(value = ExecutionCompleted.class, name = "ExecutionCompleted"),
    @JsonSubTypes.Type(value = ExecutionTerminated.class, name = "ExecutionTerminated"),
    @JsonSubTypes.Type(value = ExecutionSuspended.class, name = "ExecutionSuspended"),
    @JsonSubTypes.Type(value = ExecutionResumed.class, name = "ExecutionResumed"),
    @JsonSubTypes.Type(value = ExecutionRewound.class, name = "ExecutionRewound"),
    @JsonSubTypes.Type(value = ContinueAsNew.class, name = "ContinueAsNew"),
    @JsonSubTypes.Type(value = OrchestratorStarted.class, name = "OrchestratorStarted"),
    @JsonSubTypes.Type(value = OrchestratorCompleted.class, name = "OrchestratorCompleted"),
    @JsonSubTypes.Type(value = TaskScheduled.class, name = "TaskScheduled"),
    @JsonSubTypes.Type(value = TaskCompleted.class, name = "TaskCompleted"),
    @JsonSubTypes.Type(value = TaskFailed.class, name = "TaskFailed"),
    @JsonSubTypes.Type(value = SubOrchestrationCreated.class, name = "SubOrchestrationInstanceCreated"),
    @JsonSubTypes.Type(value = SubOrchestrationCompleted.class, name = "SubOrchestrationInstanceCompleted"),
    @JsonSubTypes.Type(value = SubOrchestrationFailed.class, name = "SubOrchestrationInstanceFailed"),
    @JsonSubTypes.Type(value = TimerCreated.class, name = "TimerCreated"),
    @JsonSubTypes.Type(value = TimerFired.class, name = "TimerFired"),
    @JsonSubTypes.Type(value = EventRaised.class, name = "EventRaised"),
    @JsonSubTypes.Type(value = EventSent.class, name = "EventSent"),
})
public sealed interface HistoryEvent permits ExecutionStarted, ExecutionCompleted, ExecutionTerminated,
        ExecutionSuspended, ExecutionResumed, ExecutionRewound, ContinueAsNew, OrchestratorStarted,
        OrchestratorCompleted, TaskScheduled, TaskCompleted, TaskFailed, SubOrchestrationCreated,
        SubOrchestrationCompleted, SubOrchestrationFailed, TimerCreated, TimerFired, EventRaised, EventSent {

    /** When the event happened (recorded by the worker or the client that produced it). */
    Instant timestamp();

    /** The Durable Functions name of this event type, as shown in {@code historyEvents}. */
    @JsonIgnore
    default String eventType() {
        EventTypeName wireName = getClass().getAnnotation(EventTypeName.class);
        return wireName != null ? wireName.value() : getClass().getSimpleName();
    }
}
