package io.taskhub.tck;

import io.taskhub.core.lifecycle.InstanceLifecycle;
import io.taskhub.ports.history.ContinueAsNew;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
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
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Values for the store contract. Times are whole milliseconds, which every backend stores exactly. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static String newInstanceId() {
        return "i-" + UUID.randomUUID();
    }

    public static String newExecutionId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** A start under a trace: stores must keep its context, as every other field, wherever the start goes. */
    public static ExecutionStarted started(String name, String input) {
        return new ExecutionStarted(now(), name, null, input, newExecutionId(), null, null, Map.of(),
                newTraceParent());
    }

    /** A new W3C traceparent: a random trace id and span id, sampled. */
    public static String newTraceParent() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("00-%016x%016x-%016x-01", random.nextLong() | 1, random.nextLong(),
                random.nextLong() | 1);
    }

    public static ExecutionStarted startedAt(String name, Instant scheduledStartAt) {
        return new ExecutionStarted(now(), name, null, "0", newExecutionId(), null, scheduledStartAt, Map.of());
    }

    public static ExecutionStarted startedWithParent(String name, String parentInstanceId) {
        return new ExecutionStarted(now(), name, "2", "{}", newExecutionId(),
                new ParentInstance(parentInstanceId, newExecutionId(), "Parent", 3), null, Map.of());
    }

    /** A start message that creates (or replaces) {@code instanceId}. */
    /** A start message as the engine sends one: it replaces a finished instance of another execution. */
    public static InstanceMessage startMessage(String instanceId, ExecutionStarted started) {
        return InstanceMessage.start(instanceId, started, null, InstanceLifecycle.startMessageReplaces());
    }

    public static InstanceMessage event(String instanceId, String name) {
        return InstanceMessage.of(instanceId, new EventRaised(now(), name, "\"" + name + "\""));
    }

    public static InstanceMessage delayedEvent(String instanceId, String name, Instant visibleAt) {
        return new InstanceMessage(instanceId, null, new EventRaised(now(), name, null), visibleAt);
    }

    /** The event name of a message that {@link #event} made, or the event type for other messages. */
    public static String label(InstanceMessage message) {
        return message.event() instanceof EventRaised raised ? raised.name() : message.event().eventType();
    }

    /** A task scheduled under a trace (the same for the same task): stores must keep its context with it. */
    public static ActivityTask task(String instanceId, String executionId, int taskId) {
        return new ActivityTask(instanceId, executionId, taskId, "Activity" + taskId, "{\"n\":" + taskId + "}",
                traceParentOf(instanceId + "/" + executionId + "/" + taskId));
    }

    /** A W3C traceparent derived from {@code seed}: trace and span ids from its SHA-256. */
    static String traceParentOf(String seed) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.util.HexFormat hex = java.util.HexFormat.of();
            return "00-" + hex.formatHex(digest, 0, 16) + "-" + hex.formatHex(digest, 16, 24) + "-01";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Checkpoint historyOnly(List<HistoryEvent> history) {
        return new Checkpoint(null, history, false, List.of(), List.of());
    }

    public static FailureDetails failure() {
        return new FailureDetails("java.lang.IllegalStateException", "outer \"failure\"", "   at a.B.c(B.java:1)\n",
                new FailureDetails("java.io.IOException", "inner ünïcode 😀"));
    }

    /** One event of every type, every field set. */
    public static List<HistoryEvent> everyEventType() {
        Instant at = now();
        return List.of(
                new ExecutionStarted(at, "Orchestrator", "1.2", "{\"a\":1}", "exec-1",
                        new ParentInstance("parent-1", "parent-exec", "ParentOrchestrator", 7), at.plusSeconds(60),
                        Map.of("team", "payments", "tier", "gold")),
                new OrchestratorStarted(at),
                new TaskScheduled(at, 0, "Charge", "{\"amount\":12.5}"),
                new TaskCompleted(at, 0, "\"ok\""),
                new TaskFailed(at, 1, failure()),
                new SubOrchestrationCreated(at, 2, "Child", "child-1", "[1,2]"),
                new SubOrchestrationCompleted(at, 2, "{\"child\":true}"),
                new SubOrchestrationFailed(at, 3, failure()),
                new TimerCreated(at, 4, at.plusSeconds(3600)),
                new TimerFired(at, 4, at.plusSeconds(3600)),
                new EventRaised(at, "Approval", "{\"approved\":true}"),
                new EventSent(at, 5, "other-1", "Ping", "\"pong\""),
                new ExecutionSuspended(at, "maintenance"),
                new ExecutionResumed(at, "done"),
                new ExecutionRewound(at, "retry"),
                new ExecutionTerminated(at, "stop", true),
                new ContinueAsNew(at, "{\"round\":2}"),
                new ExecutionCompleted(at, RuntimeStatus.Failed, null, failure()),
                new OrchestratorCompleted(at));
    }

    /** Events whose optional fields are all null. */
    public static List<HistoryEvent> eventsWithNulls() {
        Instant at = now();
        return List.of(
                new ExecutionStarted(at, "Orchestrator", null, null, "exec-2", null, null, null),
                new TaskScheduled(at, 0, "Charge", null),
                new TaskCompleted(at, 0, null),
                new TaskFailed(at, 1, new FailureDetails("E", null)),
                new SubOrchestrationCreated(at, 2, "Child", "child-1", null),
                new SubOrchestrationCompleted(at, 2, null),
                new EventRaised(at, "Approval", null),
                new EventSent(at, 5, "other-1", "Ping", null),
                new ExecutionSuspended(at, null),
                new ExecutionResumed(at, null),
                new ExecutionRewound(at, null),
                new ExecutionTerminated(at, null, false),
                new ContinueAsNew(at, null),
                new ExecutionCompleted(at, RuntimeStatus.Completed, null, null));
    }
}
