package io.taskhub.grpc;

import com.google.protobuf.StringValue;
import io.taskhub.grpc.protocol.ActivityRequest;
import io.taskhub.grpc.protocol.ActivityResponse;
import io.taskhub.grpc.protocol.CompleteOrchestrationAction;
import io.taskhub.grpc.protocol.EventRaisedEvent;
import io.taskhub.grpc.protocol.ExecutionResumedEvent;
import io.taskhub.grpc.protocol.ExecutionStartedEvent;
import io.taskhub.grpc.protocol.ExecutionSuspendedEvent;
import io.taskhub.grpc.protocol.ExecutionTerminatedEvent;
import io.taskhub.grpc.protocol.OrchestrationInstance;
import io.taskhub.grpc.protocol.OrchestratorAction;
import io.taskhub.grpc.protocol.OrchestratorCompletedEvent;
import io.taskhub.grpc.protocol.OrchestratorRequest;
import io.taskhub.grpc.protocol.OrchestratorResponse;
import io.taskhub.grpc.protocol.OrchestratorStartedEvent;
import io.taskhub.grpc.protocol.ParentInstanceInfo;
import io.taskhub.grpc.protocol.SubOrchestrationInstanceCompletedEvent;
import io.taskhub.grpc.protocol.SubOrchestrationInstanceCreatedEvent;
import io.taskhub.grpc.protocol.SubOrchestrationInstanceFailedEvent;
import io.taskhub.grpc.protocol.TaskCompletedEvent;
import io.taskhub.grpc.protocol.TaskFailedEvent;
import io.taskhub.grpc.protocol.TaskScheduledEvent;
import io.taskhub.grpc.protocol.TimerCreatedEvent;
import io.taskhub.grpc.protocol.TimerFiredEvent;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.remote.RemoteWorkers.Action;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one translation between Taskhub's history and the protocol's: an execution's events into the protocol's
 * history events (the engine and the stores never see protobuf), the remote orchestrator's actions into
 * Taskhub's, and tasks and their results both ways.
 *
 * <p>Event ids: an event that records an action carries the action's id ({@code eventId}), which Taskhub keeps as
 * the task's or timer's number; the events that answer one name it ({@code taskScheduledId}, {@code timerId}); all
 * others carry -1. Left out of what a worker sees: the record of an event sent (the Java SDK 1.5 cannot read it, and
 * the engine ignores an action it already recorded, which is what an SDK does without it), and the events that
 * only the engine reads (an execution's end, continue-as-new, a rewind's mark).
 */
final class WorkTranslation {
    private static final int NO_ID = -1;

    private WorkTranslation() {
    }

    // ---- orchestrator work ---------------------------------------------------------------------------------------

    static OrchestratorRequest request(RemoteWorkers.OrchestratorWork work) {
        OrchestratorRequest.Builder request = OrchestratorRequest.newBuilder().setInstanceId(work.instanceId());
        if (work.executionId() != null) {
            request.setExecutionId(StringValue.of(work.executionId()));
        }
        work.pastEvents().forEach(e -> event(work.instanceId(), e).ifPresent(request::addPastEvents));
        work.newEvents().forEach(e -> event(work.instanceId(), e).ifPresent(request::addNewEvents));
        return request.build();
    }

    /** The event as the protocol has it; empty for the events a worker does not see. */
    static Optional<io.taskhub.grpc.protocol.HistoryEvent> event(String instanceId, HistoryEvent event) {
        io.taskhub.grpc.protocol.HistoryEvent.Builder out = io.taskhub.grpc.protocol.HistoryEvent.newBuilder()
                .setEventId(NO_ID).setTimestamp(Protocol.timestamp(event.timestamp()));
        if (event instanceof ExecutionStarted s) {
            ExecutionStartedEvent.Builder started = ExecutionStartedEvent.newBuilder().setName(s.name())
                    .setOrchestrationInstance(instance(instanceId, s.executionId())).putAllTags(s.tags());
            optional(s.version()).ifPresent(started::setVersion);
            optional(s.input()).ifPresent(started::setInput);
            if (s.scheduledStartAt() != null) {
                started.setScheduledStartTimestamp(Protocol.timestamp(s.scheduledStartAt()));
            }
            if (s.parent() != null) {
                started.setParentInstance(ParentInstanceInfo.newBuilder().setTaskScheduledId(s.parent().taskId())
                        .setName(StringValue.of(s.parent().name()))
                        .setOrchestrationInstance(instance(s.parent().instanceId(), s.parent().executionId())));
            }
            out.setExecutionStarted(started);
        } else if (event instanceof OrchestratorStarted) {
            out.setOrchestratorStarted(OrchestratorStartedEvent.getDefaultInstance());
        } else if (event instanceof OrchestratorCompleted) {
            out.setOrchestratorCompleted(OrchestratorCompletedEvent.getDefaultInstance());
        } else if (event instanceof TaskScheduled t) {
            TaskScheduledEvent.Builder scheduled = TaskScheduledEvent.newBuilder().setName(t.name());
            optional(t.input()).ifPresent(scheduled::setInput);
            out.setEventId(t.taskId()).setTaskScheduled(scheduled);
        } else if (event instanceof TaskCompleted t) {
            TaskCompletedEvent.Builder completed = TaskCompletedEvent.newBuilder().setTaskScheduledId(t.taskId());
            optional(t.result()).ifPresent(completed::setResult);
            out.setTaskCompleted(completed);
        } else if (event instanceof TaskFailed t) {
            out.setTaskFailed(TaskFailedEvent.newBuilder().setTaskScheduledId(t.taskId())
                    .setFailureDetails(Protocol.failure(t.failure())));
        } else if (event instanceof SubOrchestrationCreated c) {
            SubOrchestrationInstanceCreatedEvent.Builder created = SubOrchestrationInstanceCreatedEvent.newBuilder()
                    .setInstanceId(c.instanceId()).setName(c.name());
            optional(c.input()).ifPresent(created::setInput);
            out.setEventId(c.taskId()).setSubOrchestrationInstanceCreated(created);
        } else if (event instanceof SubOrchestrationCompleted c) {
            SubOrchestrationInstanceCompletedEvent.Builder completed = SubOrchestrationInstanceCompletedEvent
                    .newBuilder().setTaskScheduledId(c.taskId());
            optional(c.result()).ifPresent(completed::setResult);
            out.setSubOrchestrationInstanceCompleted(completed);
        } else if (event instanceof SubOrchestrationFailed f) {
            out.setSubOrchestrationInstanceFailed(SubOrchestrationInstanceFailedEvent.newBuilder()
                    .setTaskScheduledId(f.taskId()).setFailureDetails(Protocol.failure(f.failure())));
        } else if (event instanceof TimerCreated t) {
            out.setEventId(t.timerId()).setTimerCreated(TimerCreatedEvent.newBuilder()
                    .setFireAt(Protocol.timestamp(t.fireAt())));
        } else if (event instanceof TimerFired t) {
            out.setTimerFired(TimerFiredEvent.newBuilder().setTimerId(t.timerId())
                    .setFireAt(Protocol.timestamp(t.fireAt())));
        } else if (event instanceof EventRaised e) {
            EventRaisedEvent.Builder raised = EventRaisedEvent.newBuilder().setName(e.name());
            optional(e.input()).ifPresent(raised::setInput);
            out.setEventRaised(raised);
        } else if (event instanceof ExecutionSuspended s) {
            ExecutionSuspendedEvent.Builder suspended = ExecutionSuspendedEvent.newBuilder();
            optional(s.reason()).ifPresent(suspended::setInput);
            out.setExecutionSuspended(suspended);
        } else if (event instanceof ExecutionResumed r) {
            ExecutionResumedEvent.Builder resumed = ExecutionResumedEvent.newBuilder();
            optional(r.reason()).ifPresent(resumed::setInput);
            out.setExecutionResumed(resumed);
        } else if (event instanceof ExecutionTerminated t) {
            ExecutionTerminatedEvent.Builder terminated = ExecutionTerminatedEvent.newBuilder()
                    .setRecurse(t.recursive());
            optional(t.reason()).ifPresent(terminated::setInput);
            out.setExecutionTerminated(terminated);
        } else {
            return Optional.empty();
        }
        return Optional.of(out.build());
    }

    private static OrchestrationInstance instance(String instanceId, String executionId) {
        OrchestrationInstance.Builder instance = OrchestrationInstance.newBuilder().setInstanceId(instanceId);
        if (executionId != null) {
            instance.setExecutionId(StringValue.of(executionId));
        }
        return instance.build();
    }

    private static Optional<StringValue> optional(String text) {
        return Optional.ofNullable(text).map(StringValue::of);
    }

    /** The orchestrator's answer: its actions in Taskhub's terms, and its custom status. */
    static RemoteWorkers.OrchestratorAnswer answer(OrchestratorResponse response) {
        List<Action> actions = new ArrayList<>();
        for (OrchestratorAction action : response.getActionsList()) {
            action(response.getInstanceId(), action).ifPresent(actions::add);
        }
        String customStatus = response.hasCustomStatus() && !response.getCustomStatus().getValue().isEmpty()
                ? response.getCustomStatus().getValue() : null;
        return new RemoteWorkers.OrchestratorAnswer(actions, customStatus);
    }

    private static Optional<Action> action(String instanceId, OrchestratorAction action) {
        int id = action.getId();
        switch (action.getOrchestratorActionTypeCase()) {
            case SCHEDULETASK -> {
                var task = action.getScheduleTask();
                return Optional.of(new Action.ScheduleTask(id, task.getName(),
                        Protocol.json(task.hasInput(), task.getInput())));
            }
            case CREATETIMER -> {
                var timer = action.getCreateTimer();
                Instant fireAt = Protocol.instant(timer.hasFireAt(), timer.getFireAt());
                return Optional.of(new Action.CreateTimer(id, fireAt == null ? Instant.now() : fireAt));
            }
            case CREATESUBORCHESTRATION -> {
                var child = action.getCreateSubOrchestration();
                // An SDK that leaves the child's id to the engine gets one derived from the parent and the action.
                String childId = child.getInstanceId().isEmpty() ? instanceId + ":" + id : child.getInstanceId();
                return Optional.of(new Action.CreateSubOrchestration(id, child.getName(), childId,
                        Protocol.json(child.hasInput(), child.getInput())));
            }
            case SENDEVENT -> {
                var send = action.getSendEvent();
                return Optional.of(new Action.SendEvent(id, send.getInstance().getInstanceId(), send.getName(),
                        Protocol.json(send.hasData(), send.getData())));
            }
            case COMPLETEORCHESTRATION -> {
                return Optional.of(complete(id, action.getCompleteOrchestration()));
            }
            case TERMINATEORCHESTRATION -> {
                return Optional.of(new Action.Complete(id, RuntimeStatus.Failed, null, new FailureDetails(
                        "UnsupportedAction", "Terminating another instance from orchestrator code is not supported"
                        + " by Taskhub; terminate it through a client."), List.of()));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static Action.Complete complete(int id, CompleteOrchestrationAction end) {
        RuntimeStatus status = Protocol.status(end.getOrchestrationStatus());
        List<EventRaised> carried = new ArrayList<>();
        for (io.taskhub.grpc.protocol.HistoryEvent event : end.getCarryoverEventsList()) {
            if (event.hasEventRaised()) {
                EventRaisedEvent raised = event.getEventRaised();
                Instant at = Protocol.instant(event.hasTimestamp(), event.getTimestamp());
                carried.add(new EventRaised(at == null ? Instant.now() : at, raised.getName(),
                        Protocol.json(raised.hasInput(), raised.getInput())));
            }
        }
        FailureDetails failure = end.hasFailureDetails() ? Protocol.failure(end.getFailureDetails()) : null;
        return new Action.Complete(id, status, Protocol.json(end.hasResult(), end.getResult()), failure, carried);
    }

    // ---- activity work -------------------------------------------------------------------------------------------

    static ActivityRequest request(RemoteWorkers.ActivityWork work) {
        ActivityRequest.Builder request = ActivityRequest.newBuilder().setName(work.name()).setTaskId(work.taskId())
                .setOrchestrationInstance(instance(work.instanceId(), work.executionId()));
        optional(work.input()).ifPresent(request::setInput);
        return request.build();
    }

    static RemoteWorkers.ActivityAnswer answer(ActivityResponse response) {
        if (response.hasFailureDetails()) {
            return new RemoteWorkers.ActivityAnswer(null, Protocol.failure(response.getFailureDetails()));
        }
        return new RemoteWorkers.ActivityAnswer(Protocol.json(response.hasResult(), response.getResult()), null);
    }
}
