package io.taskhub.core.engine;

import io.taskhub.core.json.JsonDataConverter;
import io.taskhub.ports.errors.NonDeterministicOrchestrationException;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.rules.SupportedTimes;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskCanceledException;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The orchestration context: turns orchestrator calls into actions and history events into task results.
 * Only the session's orchestrator thread touches it. Events are processed lazily, one at a time, whenever
 * the code awaits a task that is not done, which makes replay follow history order exactly.
 */
final class OrchestrationContextImpl implements OrchestrationContext {
    private final OrchestrationSession session;
    private final String instanceId;
    private String name;
    private String executionId;
    private String input;
    private boolean started;
    private Instant currentTime = Instant.EPOCH;
    private int sequence;
    private int uuidCounter;
    private int position;
    private final Map<Integer, Action> pendingActions = new LinkedHashMap<>();
    private final Map<Integer, TaskImpl<?>> openTasks = new HashMap<>();
    private final Map<Integer, String> taskNames = new HashMap<>();
    private final ExternalEvents externalEvents = new ExternalEvents();
    private String customStatus;
    private ContinueAsNewRequest continueAsNew;
    private NonDeterministicOrchestrationException fatal;
    private final System.Logger logger;
    /** Looked up once, not for every instance: each look-up goes through the logging backend's finder. */
    private static final System.Logger ORCHESTRATION_LOG = System.getLogger("io.taskhub.orchestration");

    record ContinueAsNewRequest(String input, boolean keepUnprocessedEvents) {
    }

    OrchestrationContextImpl(OrchestrationSession session, String instanceId) {
        this.session = session;
        this.instanceId = instanceId;
        this.logger = new ReplaySafeLogger(ORCHESTRATION_LOG, this::isReplaying);
    }

    // ---- event processing (orchestrator thread) -------------------------------------------------------------

    /** Processes events until the ExecutionStarted event has been seen. */
    void processUntilStarted() {
        while (!started) {
            process(session.nextEvent());
        }
    }

    void awaitCompletion(TaskImpl<?> task) {
        checkUsable();
        while (!task.isDone()) {
            process(session.nextEvent());
        }
    }

    /** Processes the remaining replayed events after the code returned, to check them against what it did. */
    void drainReplayedEvents() {
        HistoryEvent next;
        while ((next = session.pollReplayedEvent()) != null) {
            process(next);
        }
    }

    private void process(HistoryEvent event) {
        position++;
        if (event instanceof OrchestratorStarted s) {
            currentTime = s.timestamp();
        } else if (event instanceof ExecutionStarted s) {
            started = true;
            name = s.name();
            executionId = s.executionId();
            input = s.input();
        } else if (event instanceof TaskScheduled s) {
            matchAction(s, s.taskId());
        } else if (event instanceof TimerCreated s) {
            matchAction(s, s.timerId());
        } else if (event instanceof SubOrchestrationCreated s) {
            matchAction(s, s.taskId());
        } else if (event instanceof EventSent s) {
            matchAction(s, s.eventId());
        } else if (event instanceof TaskCompleted c) {
            completeTask(c.taskId(), c.result());
        } else if (event instanceof SubOrchestrationCompleted c) {
            completeTask(c.taskId(), c.result());
        } else if (event instanceof TaskFailed f) {
            failTask(f.taskId(), f.failure());
        } else if (event instanceof SubOrchestrationFailed f) {
            failTask(f.taskId(), f.failure());
        } else if (event instanceof TimerFired f) {
            completeTask(f.timerId(), null);
        } else if (event instanceof EventRaised e) {
            externalEvents.deliver(e);
        }
        // Other events (suspension, rewind markers, step boundaries) carry nothing the code can observe.
    }

    private void matchAction(HistoryEvent recorded, int id) {
        Action action = pendingActions.remove(id);
        if (action == null) {
            throw nonDeterminism("history records " + Action.describeRecorded(recorded) + " as task #" + id
                    + " at position " + position + ", but the orchestrator code did not schedule it");
        }
        if (!action.matches(recorded)) {
            throw nonDeterminism("history records " + Action.describeRecorded(recorded) + " as task #" + id
                    + " at position " + position + ", but the orchestrator code scheduled " + action.describe());
        }
    }

    private OrchestratorUnwind nonDeterminism(String what) {
        fatal = new NonDeterministicOrchestrationException("Non-deterministic orchestrator '" + name + "': " + what
                + ". Orchestrator code must make the same calls in the same order on every replay.");
        return new OrchestratorUnwind();
    }

    private void completeTask(int id, String resultJson) {
        TaskImpl<?> task = openTasks.remove(id);
        if (task != null) {
            task.completeFromJson(resultJson);
        }
    }

    private void failTask(int id, io.taskhub.ports.model.FailureDetails failure) {
        TaskImpl<?> task = openTasks.remove(id);
        if (task != null) {
            task.fail(new TaskFailedException(taskNames.getOrDefault(id, "?"), id, failure));
        }
    }

    // ---- the orchestrator API --------------------------------------------------------------------------------

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public String name() {
        return name;
    }

    String executionId() {
        return executionId;
    }

    @Override
    public String rawInput() {
        return input;
    }

    @Override
    public <T> T getInput(Class<T> type) {
        return JsonDataConverter.deserialize(input, type);
    }

    @Override
    public Instant currentTime() {
        return currentTime;
    }

    @Override
    public boolean isReplaying() {
        return session.hasReplayedEventsQueued();
    }

    @Override
    public UUID newUuid() {
        checkUsable();
        String seed = instanceId + "|" + currentTime + "|" + (uuidCounter++);
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <T> DurableTask<T> callActivity(String activityName, Object activityInput, TaskOptions options,
            Class<T> resultType) {
        checkUsable();
        String json = JsonDataConverter.serialize(activityInput);
        return withRetries(options, resultType, () -> {
            int id = sequence++;
            pendingActions.put(id, new Action.ScheduleTask(id, activityName, json));
            return openTask(id, activityName, resultType);
        });
    }

    @Override
    public <T> DurableTask<T> callSubOrchestrator(String orchestratorName, Object childInput, String childId,
            TaskOptions options, Class<T> resultType) {
        checkUsable();
        String json = JsonDataConverter.serialize(childInput);
        String id = childId != null ? childId : newUuid().toString().replace("-", "");
        io.taskhub.ports.rules.InstanceIds.validate(id);
        return withRetries(options, resultType, () -> {
            int taskId = sequence++;
            pendingActions.put(taskId, new Action.CreateSubOrchestration(taskId, orchestratorName, id, json));
            return openTask(taskId, orchestratorName, resultType);
        });
    }

    private <T> TaskImpl<T> openTask(int id, String taskName, Class<T> resultType) {
        TaskImpl<T> task = new TaskImpl<>(this, resultType);
        openTasks.put(id, task);
        taskNames.put(id, taskName);
        return task;
    }

    private <T> DurableTask<T> withRetries(TaskOptions options, Class<T> resultType, Supplier<TaskImpl<T>> attempt) {
        if (options == null || options.retryPolicy() == null) {
            return attempt.get();
        }
        return new RetryingTask<>(this, resultType, options.retryPolicy(), attempt).start();
    }

    @Override
    public TaskImpl<Void> createTimer(Duration delay) {
        checkUsable();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A timer's delay must not be negative: " + delay);
        }
        Duration untilLimit = Duration.between(currentTime, SupportedTimes.STORABLE_UNTIL);
        return createTimer(delay.compareTo(untilLimit) > 0 ? SupportedTimes.STORABLE_UNTIL.plusNanos(1)
                : currentTime.plus(delay));
    }

    @Override
    public TaskImpl<Void> createTimer(Instant fireAt) {
        checkUsable();
        if (fireAt.isBefore(SupportedTimes.STORABLE_FROM) || fireAt.isAfter(SupportedTimes.STORABLE_UNTIL)) {
            // Refused here, where orchestrator code can see it, rather than by the store at commit time.
            throw new IllegalArgumentException("A timer cannot fire at " + fireAt + ": use a time from "
                    + SupportedTimes.STORABLE_FROM + " to " + SupportedTimes.STORABLE_UNTIL + ".");
        }
        int id = sequence++;
        pendingActions.put(id, new Action.CreateTimer(id, fireAt));
        return openTask(id, "timer", Void.class);
    }

    @Override
    public <T> DurableTask<T> waitForExternalEvent(String eventName, Class<T> payloadType) {
        checkUsable();
        TaskImpl<T> task = new TaskImpl<>(this, payloadType);
        externalEvents.await(eventName, task);
        return task;
    }

    @Override
    public <T> DurableTask<T> waitForExternalEvent(String eventName, Duration timeout, Class<T> payloadType) {
        checkUsable();
        TaskImpl<T> task = new TaskImpl<>(this, payloadType);
        externalEvents.await(eventName, task);
        if (task.isDone()) {
            return task;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            externalEvents.cancel(eventName, task);
            task.fail(new TaskCanceledException("External event '" + eventName + "' was not received."));
            return task;
        }
        createTimer(timeout).onDone(timer -> {
            if (!task.isDone()) {
                externalEvents.cancel(eventName, task);
                task.fail(new TaskCanceledException("External event '" + eventName + "' was not received within "
                        + timeout + "."));
            }
        });
        return task;
    }

    @Override
    public <V> DurableTask<List<V>> allOf(List<DurableTask<V>> tasks) {
        checkUsable();
        return CompositeTasks.allOf(this, tasks);
    }

    @Override
    public DurableTask<DurableTask<?>> anyOf(List<? extends DurableTask<?>> tasks) {
        checkUsable();
        return CompositeTasks.anyOf(this, tasks);
    }

    @Override
    public void sendEvent(String targetInstanceId, String eventName, Object payload) {
        checkUsable();
        io.taskhub.ports.rules.InstanceIds.validate(targetInstanceId);
        int id = sequence++;
        pendingActions.put(id, new Action.SendEvent(id, targetInstanceId, eventName,
                JsonDataConverter.serialize(payload)));
    }

    @Override
    public void setCustomStatus(Object status) {
        checkUsable();
        customStatus = JsonDataConverter.serialize(status);
    }

    @Override
    public void continueAsNew(Object newInput, boolean keepUnprocessedEvents) {
        checkUsable();
        continueAsNew = new ContinueAsNewRequest(JsonDataConverter.serialize(newInput), keepUnprocessedEvents);
        throw new ContinueAsNewSignal();
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    /** Orchestrator code may use the context only on its own thread and not after being told to unwind. */
    private void checkUsable() {
        session.checkOrchestratorThread();
        if (fatal != null) {
            throw new OrchestratorUnwind();
        }
    }

    // ---- what the session collects after a step ------------------------------------------------------------------

    /** The actions scheduled in this step (those no recorded event confirmed), in order; clears them. */
    List<Action> takeNewActions() {
        List<Action> actions = new ArrayList<>(pendingActions.values());
        pendingActions.clear();
        return actions;
    }

    String customStatus() {
        return customStatus;
    }

    ContinueAsNewRequest continueAsNewRequest() {
        return continueAsNew;
    }

    NonDeterministicOrchestrationException fatal() {
        return fatal;
    }

    /** External events received but never awaited, in arrival order. */
    List<EventRaised> unconsumedEvents() {
        return externalEvents.buffered();
    }

    boolean isStarted() {
        return started;
    }
}
