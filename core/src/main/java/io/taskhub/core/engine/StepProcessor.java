package io.taskhub.core.engine;

import io.taskhub.core.lifecycle.InstanceLifecycle;
import io.taskhub.core.telemetry.EngineMetrics;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.core.telemetry.TraceSpan;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ContinueAsNew;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import io.taskhub.ports.store.TaskHandOff;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns one orchestration work item into one atomic checkpoint: runs the orchestrator over the new events
 * (from its cached session, or replaying stored history) and records what it did. Also handles what arrives
 * for finished instances (rewind, late results) and poison work.
 */
public final class StepProcessor {
    private final OrchestrationStore store;
    private final Function<String, Optional<Orchestrator>> orchestrators;
    private final SessionCache cache;
    private final int poisonLimit;
    private final Duration unwindGrace;
    private final DroppedMessages drops;
    private volatile EngineMetrics metrics = EngineMetrics.NONE;
    private volatile EngineTracing tracing = EngineTracing.NONE;
    private volatile RemoteWorkers remote;
    private volatile Duration remoteTimeout = Duration.ofMinutes(5);

    public StepProcessor(OrchestrationStore store, Function<String, Optional<Orchestrator>> orchestrators,
            SessionCache cache, int poisonLimit, Duration unwindGrace, DroppedMessages drops) {
        this.store = store;
        this.drops = drops;
        this.orchestrators = orchestrators;
        this.cache = cache;
        this.poisonLimit = poisonLimit;
        this.unwindGrace = unwindGrace;
    }

    /** Where the steps' starts, ends, timings and poison failures are counted. */
    public void reportTo(EngineMetrics target) {
        this.metrics = EngineMetrics.guarded(java.util.Objects.requireNonNull(target, "target"));
    }

    /**
     * Where the code of orchestrators this process does not have runs ({@link RemoteWorkers}); a step there waits
     * at most {@code timeout} for its answer.
     */
    public void runRemotely(RemoteWorkers workers, Duration timeout) {
        this.remoteTimeout = java.util.Objects.requireNonNull(timeout, "timeout");
        this.remote = java.util.Objects.requireNonNull(workers, "workers");
    }

    /** Where the spans of the steps go (see {@link EngineTracing}). */
    public void traceTo(EngineTracing target) {
        this.tracing = java.util.Objects.requireNonNull(target, "target");
    }

    /**
     * Processes and commits the work item.
     *
     * @throws LockLostException when the lease was lost (nothing committed; another worker redoes the step)
     */
    public void process(OrchestrationWorkItem item) {
        process(item, ActivityHandOff.NONE);
    }

    /**
     * Processes and commits the work item, taking the activities it schedules for this worker as far as
     * {@code handOff} has room.
     *
     * @return the activities handed to this worker (leased to it, their places reserved in {@code handOff}); the
     *         instance's session is back in the cache by then, so the step their results bring finds it
     * @throws LockLostException when the lease was lost (nothing committed; another worker redoes the step)
     */
    public List<ActivityWorkItem> process(OrchestrationWorkItem item, ActivityHandOff handOff) {
        return process(item, handOff, false, null).handedOff();
    }

    /**
     * Processes and commits the work item as {@link #process(OrchestrationWorkItem, ActivityHandOff)} does; when the
     * step took several messages and leaves the orchestrator awaiting several results (a fan-in's, which keep
     * coming) while its instance runs, the commit claims the instance again under {@code again}
     * ({@link OrchestrationStore#completeOrchestrationWorkItemAndClaimAgain}).
     *
     * @return the activities handed to this worker, and the instance's next work item when it was claimed again
     *         (the session is back in the cache by then)
     * @throws LockLostException when the lease was lost (nothing committed; another worker redoes the step)
     */
    public StepCommit process(OrchestrationWorkItem item, ActivityHandOff handOff, InstanceClaim again) {
        return process(item, handOff, false, java.util.Objects.requireNonNull(again, "again"));
    }

    /**
     * Processes the first step of an instance the store handed over at its creation
     * ({@link OrchestrationStore#createInstanceAndClaim}), as {@link #process} does, without reading its history:
     * an instance created under a new id has none.
     */
    public List<ActivityWorkItem> processCreated(OrchestrationWorkItem item, ActivityHandOff handOff) {
        return process(item, handOff, true, null).handedOff();
    }

    /**
     * Runs the first step of a new instance that is not stored yet and stores the instance with it
     * ({@link OrchestrationStore#createInstanceWithStep}); {@code created} is its work item as a claim at its
     * creation would be, unstored.
     *
     * @return the activities handed to this worker (their places reserved in {@code handOff}); empty when an
     *         instance has the id already (nothing was stored, the step is dropped)
     */
    public Optional<List<ActivityWorkItem>> processNew(OrchestrationWorkItem created, ActivityHandOff handOff) {
        long started = System.nanoTime();
        InstanceMetadata instance = created.instance();
        // A session of its own, the cache untouched until the instance exists: the id may belong to an instance
        // whose session another step holds right now (then this one is not created).
        OrchestrationSession session = newSession(instance, List.of());
        StepOutput step = new StepOutput(instance, store.now());
        Optional<List<ActivityWorkItem>> committed;
        Checkpoint checkpoint;
        try (TraceSpan span = stepSpan(session, instance, created.messages(), step)) {
            try {
                runStep(session, created.messages(), step);
                checkpoint = step.toCheckpoint();
                committed = createWithStep(created, checkpoint, handOff);
            } catch (RuntimeException | Error e) {
                span.failed(String.valueOf(e));
                session.unwind(unwindGrace);
                throw e;
            }
            if (committed.isEmpty()) {
                span.notCommitted();
                session.unwind(unwindGrace);
                return committed;
            }
            markFailure(span, step);
        }
        afterCommit(session, instance, checkpoint, step);
        metrics.stepCommitted(Duration.ofNanos(System.nanoTime() - started));
        return committed;
    }

    private Optional<List<ActivityWorkItem>> createWithStep(OrchestrationWorkItem created, Checkpoint checkpoint,
            ActivityHandOff handOff) {
        TaskHandOff terms = checkpoint.activityTasks().isEmpty() ? null
                : handOff.reserve(checkpoint.activityTasks().size());
        Optional<List<ActivityWorkItem>> committed = Optional.empty();
        try {
            committed = store.createInstanceWithStep(created, checkpoint, terms);
        } finally {
            if (terms != null) {
                handOff.release(terms.maxTasks() - committed.map(List::size).orElse(0));
            }
        }
        if (committed.isPresent()) {
            countTransition(created.instance(), checkpoint);
        }
        return committed;
    }

    private StepCommit process(OrchestrationWorkItem item, ActivityHandOff handOff, boolean created,
            InstanceClaim again) {
        long started = System.nanoTime();
        StepCommit committed = processStep(item, handOff, created, again);
        metrics.stepCommitted(Duration.ofNanos(System.nanoTime() - started));
        return committed;
    }

    private StepCommit processStep(OrchestrationWorkItem item, ActivityHandOff handOff, boolean created,
            InstanceClaim again) {
        InstanceMetadata instance = item.instance();
        Instant now = store.now();
        List<InstanceMessage> messages = currentExecutionMessages(item);
        if (item.dequeueCount() > poisonLimit) {
            discard(cache.take(item.instanceId(), instance.executionId(), instance.revision()));
            if (instance.runtimeStatus().isTerminal() || InstanceLifecycle.awaitsRewind(instance)) {
                // Whatever kept failing (a rewind that cannot replay, say) is given up; the instance stays as it
                // was, Failed again if it was reopened for the rewind.
                commit(item, InstanceLifecycle.awaitsRewind(instance) ? failedAgain(instance, now)
                        : Checkpoint.consumeOnly());
                drops.record(instance.instanceId(), instance.name(), "processing them failed "
                        + item.dequeueCount() + " times (the poison limit is " + poisonLimit + ")",
                        withoutStarts(messages));
            } else {
                commitPoisoned(item, now);
                metrics.poisoned("orchestration"); // once, after the instance's failure (or the give-up) is stored
            }
            return StepCommit.NONE;
        }
        if (instance.runtimeStatus().isTerminal() || InstanceLifecycle.awaitsRewind(instance)) {
            OrchestrationSession rewound = processFinished(item, messages, now);
            if (rewound != null) {
                keepOrDiscard(rewound, instance.revision() + 1);
            }
            return StepCommit.NONE;
        }
        OrchestrationSession session = cache.take(item.instanceId(), instance.executionId(), instance.revision());
        if (session == null) {
            session = newSession(instance, created ? List.of() : store.getHistory(item.instanceId()));
        }
        StepOutput step = new StepOutput(instance, now);
        StepCommit committed;
        Checkpoint checkpoint;
        try (TraceSpan span = stepSpan(session, instance, messages, step)) {
            try {
                runStep(session, messages, step);
                checkpoint = step.toCheckpoint();
                committed = commit(item, checkpoint, handOff, claimsAgain(item, checkpoint, session, again));
            } catch (RuntimeException | Error e) {
                span.failed(String.valueOf(e));
                discard(session);
                throw e;
            }
            markFailure(span, step);
        }
        afterCommit(session, instance, checkpoint, step);
        return committed;
    }

    /** A session over {@code history}: its code runs here, or in a remote worker when this process lacks it. */
    private OrchestrationSession newSession(InstanceMetadata instance, List<HistoryEvent> history) {
        RemoteWorkers workers = remote;
        if (workers != null && orchestrators.apply(instance.name()).isEmpty()) {
            return OrchestrationSession.remote(instance.instanceId(), instance.executionId(), history, workers,
                    remoteTimeout);
        }
        return OrchestrationSession.fromHistory(instance.instanceId(), instance.executionId(), history,
                orchestrators);
    }

    /**
     * Logs the step's end and keeps its session; never throws, so that what the commit handed over always reaches
     * the worker (their places are reserved).
     */
    private void afterCommit(OrchestrationSession session, InstanceMetadata before, Checkpoint checkpoint,
            StepOutput step) {
        try {
            step.logEnd();
            keepCommitted(session, before, checkpoint, step);
        } catch (RuntimeException | Error e) {
            System.getLogger(StepProcessor.class.getName()).log(System.Logger.Level.WARNING, "After committing a"
                    + " step of instance " + session.instanceId() + ", its session could not be kept: " + e);
            discard(session);
        }
    }

    /**
     * Commits an activity's result together with the step it brings, computed from this worker's cached session of
     * the instance, in one store transaction (see {@link OrchestrationStore#completeActivityWithStep}): no claim, no
     * inbox round trip. Done only where nothing else can be waiting: a running instance whose cached session knows
     * its stored row and awaits this one result (a fan-in's many results go the usual way).
     *
     * @return the activities handed to this worker, when committed; empty when the result must go the usual way
     *         (nothing was stored then)
     * @throws LockLostException when the activity's lease was lost (nothing stored)
     */
    public Optional<List<ActivityWorkItem>> completeWithStep(ActivityWorkItem activity, InstanceMessage result,
            ActivityHandOff handOff) {
        // Looked at in the cache, and taken only when it qualifies: taking it out and back would make a concurrent
        // step of the instance (a fan-in's) miss it and replay the whole history.
        OrchestrationSession session = cache.takeIf(activity.task().instanceId(), activity.task().executionId(),
                s -> s.committedRow() != null && s.committedRow().runtimeStatus() == RuntimeStatus.Running
                        && s.awaitedResults() == 1 && s.accepts(result.event()));
        if (session == null) {
            return Optional.empty();
        }
        InstanceMetadata instance = session.committedRow();
        long started = System.nanoTime();
        StepOutput step = new StepOutput(instance, store.now());
        try (TraceSpan span = stepSpan(session, instance, List.of(), step)) {
            Optional<List<ActivityWorkItem>> committed = completeWithStep(activity, result, handOff, session, step,
                    started);
            if (committed.isPresent()) {
                markFailure(span, step);
            } else {
                span.notCommitted();
            }
            return committed;
        }
    }

    private Optional<List<ActivityWorkItem>> completeWithStep(ActivityWorkItem activity, InstanceMessage result,
            ActivityHandOff handOff, OrchestrationSession session, StepOutput step, long started) {
        InstanceMetadata instance = step.instance;
        long expectedRevision = session.revision();
        Checkpoint checkpoint;
        try {
            runStep(session, List.of(result), step);
            checkpoint = step.toCheckpoint();
        } catch (RuntimeException | Error e) {
            discard(session); // the usual way replays the step, with its retries and poison limit
            return Optional.empty();
        }
        TaskHandOff terms = checkpoint.activityTasks().isEmpty() ? null
                : handOff.reserve(checkpoint.activityTasks().size());
        Optional<List<ActivityWorkItem>> committed = Optional.empty();
        try {
            committed = store.completeActivityWithStep(activity, result, expectedRevision, checkpoint, terms);
        } catch (LockLostException lost) {
            throw lost;
        } catch (RuntimeException failed) {
            // Not stored (or, if the failure came after the commit, the usual way finds the task gone): the result
            // goes the usual way, where the step's own retries and poison limit apply, rather than the activity
            // running again.
            committed = Optional.empty();
        } finally {
            if (terms != null) {
                handOff.release(terms.maxTasks() - committed.map(List::size).orElse(0));
            }
            if (committed.isEmpty()) {
                discard(session); // it has run a step that was not stored
            }
        }
        if (committed.isPresent()) {
            countTransition(instance, checkpoint);
            metrics.stepCommitted(Duration.ofNanos(System.nanoTime() - started));
            afterCommit(session, instance.toBuilder().revision(expectedRevision).build(), checkpoint, step);
        }
        return committed;
    }

    /**
     * Opens the step's span under the context stored with the instance (its start's, which a new execution's start
     * message brings), and notes both contexts in the step for what it schedules.
     */
    private TraceSpan stepSpan(OrchestrationSession session, InstanceMetadata instance,
            List<InstanceMessage> messages, StepOutput step) {
        String stored = session.traceParent();
        if (stored == null) {
            ExecutionStarted start = firstOf(messages, ExecutionStarted.class);
            stored = start == null ? null : start.traceParent();
        }
        TraceSpan span = tracing.step(instance.name(), instance.instanceId(), instance.executionId(), stored);
        step.instanceTraceParent = stored;
        step.traceParent = span.traceParent();
        return span;
    }

    private static void markFailure(TraceSpan span, StepOutput step) {
        String failure = step.failureSummary();
        if (failure != null) {
            span.failed(failure);
        }
    }

    /**
     * Whether an activity's result should be committed with the claim of its instance: not while this worker's
     * session of the instance awaits other results too (a fan-in), whose step had better take them in one batch
     * than run once per result.
     */
    public boolean continuesWith(String instanceId) {
        // Also while a step of this worker holds the session: the claim then gets the instance once that step has
        // committed, and waits for the session to be put back (SessionCache#take) rather than replaying.
        return !cache.check(instanceId, s -> s.awaitedResults() > 1);
    }

    /** Keeps the session cached with the revision and row its commit stored, or discards it when finished. */
    private void keepCommitted(OrchestrationSession session, InstanceMetadata before, Checkpoint checkpoint,
            StepOutput step) {
        long revision = step.changesInstance() ? before.revision() + 1 : before.revision();
        InstanceMetadata row = checkpoint.instance() != null ? checkpoint.instance() : before;
        if (session.isFinished() || !cache.isEnabled() || session.isRemote()) {
            discard(session);
        } else {
            session.setCommitted(revision, row.toBuilder().revision(revision).build());
            cache.put(session);
        }
    }

    private void keepOrDiscard(OrchestrationSession session, long committedRevision) {
        if (session.isFinished() || !cache.isEnabled() || session.isRemote()) {
            discard(session);
        } else {
            session.setRevision(committedRevision);
            cache.put(session);
        }
    }

    private void discard(OrchestrationSession session) {
        if (session != null) {
            cache.release(session.instanceId());
            session.unwind(unwindGrace);
        }
    }

    private void commit(OrchestrationWorkItem item, Checkpoint checkpoint) {
        store.completeOrchestrationWorkItem(item, checkpoint);
        countTransition(item.instance(), checkpoint);
    }

    /**
     * Counts (and logs, but for ends, which {@link StepOutput#logEnd} logs) an execution's transitions, comparing the
     * row before a committed step with the one it wrote.
     */
    private void countTransition(InstanceMetadata before, Checkpoint committed) {
        InstanceMetadata after = committed.instance();
        if (after == null) {
            return;
        }
        LifecycleLog.moved(before, after);
        boolean newExecution = !after.executionId().equals(before.executionId());
        if ((before.runtimeStatus() == RuntimeStatus.Pending || newExecution)
                && after.runtimeStatus() != RuntimeStatus.Pending) {
            metrics.instanceStarted(after.name());
        }
        boolean ends = after.runtimeStatus().isTerminal() || after.runtimeStatus() == RuntimeStatus.ContinuedAsNew;
        if (ends && (!before.runtimeStatus().isTerminal() || newExecution)) {
            // (the duration is from the instance's creation; a continued-as-new execution's too)
            Duration sinceCreated = after.createdAt() == null || after.lastUpdatedAt() == null ? Duration.ZERO
                    : Duration.between(after.createdAt(), after.lastUpdatedAt());
            metrics.instanceFinished(after.name(), after.runtimeStatus(), sinceCreated.isNegative() ? Duration.ZERO
                    : sinceCreated);
        }
    }

    private StepCommit commit(OrchestrationWorkItem item, Checkpoint checkpoint, ActivityHandOff handOff,
            InstanceClaim again) {
        TaskHandOff terms = checkpoint.activityTasks().isEmpty() ? null
                : handOff.reserve(checkpoint.activityTasks().size());
        if (terms == null && again == null) {
            commit(item, checkpoint);
            return StepCommit.NONE;
        }
        StepCommit committed = StepCommit.NONE;
        try {
            committed = again != null ? store.completeOrchestrationWorkItemAndClaimAgain(item, checkpoint, terms, again)
                    : StepCommit.of(store.completeOrchestrationWorkItem(item, checkpoint, terms));
        } finally {
            if (terms != null) {
                handOff.release(terms.maxTasks() - committed.handedOff().size());
            }
        }
        countTransition(item.instance(), checkpoint);
        return committed;
    }

    /**
     * The claim to make again with a step's commit, or null: only after a step that took more than one message (or
     * as many as a claim may take) and leaves the orchestrator awaiting more than one result, as in a fan-in, whose
     * results then keep coming; and only while its execution runs (an ended one takes what comes late in one step of
     * its own). A sequence's steps, which await one result at a time, commit without it: their claim again would
     * mostly find nothing, and cost a statement.
     *
     * <p>Why more than one message, not a full batch: while the instance is held, the results that arrive wake
     * nobody; let go between steps, each result that arrived before the next claim woke a waiting worker whose claim
     * found the instance held again (a fan-in of 10,000 made 1,200 to 2,000 such claims when only full steps claimed
     * again, 150 to 280 this way).
     */
    private static InstanceClaim claimsAgain(OrchestrationWorkItem item, Checkpoint checkpoint,
            OrchestrationSession session, InstanceClaim again) {
        if (again == null || item.messages().size() < Math.min(2, again.maxMessages())
                || session.awaitedResults() < 2) {
            return null;
        }
        InstanceMetadata after = checkpoint.instance() != null ? checkpoint.instance() : item.instance();
        return after.runtimeStatus() == RuntimeStatus.Running ? again : null;
    }

    /** Messages for another execution (an old one, after continue-as-new or replacement) are dropped. */
    private List<InstanceMessage> currentExecutionMessages(OrchestrationWorkItem item) {
        String current = item.instance().executionId();
        List<InstanceMessage> result = new ArrayList<>(item.messages().size());
        List<InstanceMessage> stale = new ArrayList<>();
        for (InstanceMessage message : item.messages()) {
            String target = message.event() instanceof ExecutionStarted s ? s.executionId() : message.executionId();
            if (target == null || target.equals(current)) {
                result.add(message);
            } else if (!message.isStart()) {
                stale.add(message);
            }
        }
        drops.record(item.instanceId(), item.instance().name(), "addressed to an earlier execution", stale);
        return result;
    }

    // ---- a step of a running instance ------------------------------------------------------------------------

    private void runStep(OrchestrationSession session, List<InstanceMessage> messages, StepOutput step) {
        InstanceMetadata instance = step.instance;
        if (!session.hasStarted() && messages.stream().noneMatch(InstanceMessage::isStart)) {
            ExecutionTerminated early = firstOf(messages, ExecutionTerminated.class);
            if (early != null) {
                step.history.add(new OrchestratorStarted(step.now));
                step.history.add(early);
                List<InstanceMessage> after = new ArrayList<>(messages);
                after.removeIf(m -> m.event() == early);
                drops.record(instance.instanceId(), instance.name(), TERMINATED_FIRST, after);
                terminate(session, step, early);
            } else {
                deferUntilStart(messages, step);
            }
            return;
        }
        List<HistoryEvent> accepted = new ArrayList<>();
        accepted.add(new OrchestratorStarted(step.now));
        for (int i = 0; i < messages.size(); i++) {
            HistoryEvent event = messages.get(i).event();
            if (event instanceof ExecutionStarted && session.hasStarted()) {
                continue; // a redelivered start
            }
            if (session.accepts(event)) {
                session.record(List.of(event));
                accepted.add(event);
                if (event instanceof ExecutionTerminated) {
                    // The execution ends here: what follows would have been dropped had it come a step later.
                    drops.record(instance.instanceId(), instance.name(), TERMINATED_FIRST,
                            messages.subList(i + 1, messages.size()));
                    break;
                }
            }
        }
        if (accepted.size() == 1 && !step.replacesHistory()) {
            step.leaveInstanceUnchanged(); // only duplicates: consume them, run nothing
            return;
        }
        step.history.addAll(accepted);
        ExecutionTerminated termination = firstOf(accepted, ExecutionTerminated.class);
        if (termination != null) {
            terminate(session, step, termination);
            return;
        }
        session.feed(accepted);
        Optional<Outcome> outcome = session.runStep();
        List<Action> actions = session.takeNewActions();
        if (outcome.isEmpty() && !cache.isEnabled() && !session.unwind(unwindGrace)) {
            outcome = Optional.of(new Outcome.Failed(new FailureDetails("OrchestratorUnwindCaught",
                    "Orchestrator '" + instance.name() + "' caught Taskhub's internal unwind signal ("
                            + OrchestratorUnwind.class.getName() + "). Orchestrator code must not catch Throwable or"
                            + " Error: catch Exception instead.")));
            actions = List.of();
        }
        int produced = step.history.size();
        scheduleActions(actions, instance, step);
        if (session.hasRunCode()) {
            step.customStatus(session.customStatus());
        }
        outcome.ifPresent(o -> finish(o, instance, step));
        step.history.add(new OrchestratorCompleted(step.now));
        step.status(session.record(step.history.subList(produced, step.history.size())));
    }

    private void scheduleActions(List<Action> actions, InstanceMetadata instance, StepOutput step) {
        for (Action action : actions) {
            step.history.add(action.toEvent(step.now));
            if (action instanceof Action.ScheduleTask task) {
                step.activityTasks.add(new ActivityTask(instance.instanceId(), instance.executionId(), task.id(),
                        task.name(), task.input(), step.traceParent));
            } else if (action instanceof Action.CreateTimer timer) {
                step.messages.add(new InstanceMessage(instance.instanceId(), instance.executionId(),
                        new TimerFired(timer.fireAt(), timer.id(), timer.fireAt()), timer.fireAt()));
            } else if (action instanceof Action.CreateSubOrchestration child) {
                ParentInstance parent = new ParentInstance(instance.instanceId(), instance.executionId(),
                        instance.name(), child.id());
                ExecutionStarted start = new ExecutionStarted(step.now, child.name(), null, child.input(),
                        derivedExecutionId(instance, "sub-orchestration " + child.id()), parent, null, null,
                        step.traceParent);
                step.messages.add(InstanceMessage.start(child.instanceId(), start, null,
                        InstanceLifecycle.startMessageReplaces()));
            } else if (action instanceof Action.SendEvent event) {
                step.messages.add(InstanceMessage.of(event.instanceId(),
                        new EventRaised(step.now, event.name(), event.input())));
            }
        }
    }

    private void finish(Outcome outcome, InstanceMetadata instance, StepOutput step) {
        if (outcome instanceof Outcome.Completed completed) {
            step.history.add(new ExecutionCompleted(step.now, RuntimeStatus.Completed, completed.result(), null));
            step.complete(RuntimeStatus.Completed, completed.result(), null);
            notifyParent(instance, new SubOrchestrationCompleted(step.now, taskIdInParent(instance),
                    completed.result()), step);
        } else if (outcome instanceof Outcome.Failed failed) {
            step.history.add(new ExecutionCompleted(step.now, RuntimeStatus.Failed, null, failed.failure()));
            step.complete(RuntimeStatus.Failed, null, failed.failure());
            notifyParent(instance, new SubOrchestrationFailed(step.now, taskIdInParent(instance), failed.failure()),
                    step);
        } else if (outcome instanceof Outcome.ContinuedAsNew next) {
            step.history.add(new ContinueAsNew(step.now, next.input()));
            String executionId = derivedExecutionId(instance, "continue-as-new");
            ExecutionStarted restart = new ExecutionStarted(step.now, instance.name(), instance.version(),
                    next.input(), executionId, instance.parent(), null, instance.tags(), step.instanceTraceParent);
            step.messages.add(InstanceMessage.start(instance.instanceId(), restart, null,
                    InstanceLifecycle.startMessageReplaces()));
            for (EventRaised carried : next.carriedEvents()) {
                step.messages.add(new InstanceMessage(instance.instanceId(), executionId, carried, null));
            }
            step.continueAsNew(executionId, next.input());
        }
    }

    /**
     * The id of an execution this step starts, derived from the step rather than drawn at random: a step redone
     * after a crash (whose first attempt may already have sent its messages) starts from the same stored
     * revision and sends the same ids again, so the copies are recognised as such. A later step (say, after a
     * rewind redid the step that started a sub-orchestration) has a higher revision, hence new ids.
     */
    static String derivedExecutionId(InstanceMetadata starter, String purpose) {
        String source = starter.instanceId() + '\n' + starter.executionId() + '\n' + starter.revision() + '\n'
                + purpose;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform provides SHA-256", e);
        }
    }

    /** Ends the execution as Terminated; {@code step.history} already holds the step's accepted events. */
    private void terminate(OrchestrationSession session, StepOutput step, ExecutionTerminated termination) {
        InstanceMetadata instance = step.instance;
        String reason = io.taskhub.core.json.JsonDataConverter.serialize(termination.reason());
        step.history.add(new ExecutionCompleted(step.now, RuntimeStatus.Terminated, reason, null));
        step.history.add(new OrchestratorCompleted(step.now));
        step.complete(RuntimeStatus.Terminated, reason, null);
        if (termination.recursive()) {
            for (String child : session.openChildInstanceIds()) {
                step.messages.add(InstanceMessage.of(child,
                        new ExecutionTerminated(step.now, termination.reason(), true)));
            }
        }
        notifyParent(instance, new SubOrchestrationFailed(step.now, taskIdInParent(instance),
                new FailureDetails("Terminated", "Sub-orchestration '" + instance.instanceId()
                        + "' was terminated: " + termination.reason())), step);
        session.unwind(unwindGrace);
    }

    /**
     * Before an execution starts (a scheduled start), other messages wait for it, in order: they are sent again,
     * due when the execution should have started. Each keeps the execution it was addressed to: an event raised
     * for whichever execution runs (no execution id) must not become one for this execution only, or it would be
     * dropped as stale when this execution continues as new before it arrives.
     */
    private static void deferUntilStart(List<InstanceMessage> messages, StepOutput step) {
        Instant startAt = step.instance.scheduledStartAt() != null && step.instance.scheduledStartAt().isAfter(step.now)
                ? step.instance.scheduledStartAt()
                : step.now.plusSeconds(1);
        for (InstanceMessage message : messages) {
            step.messages.add(new InstanceMessage(message.instanceId(), message.executionId(), message.event(),
                    startAt));
        }
        step.leaveInstanceUnchanged();
    }

    private static void notifyParent(InstanceMetadata instance, HistoryEvent result, StepOutput step) {
        ParentInstance parent = instance.parent();
        if (parent != null) {
            step.messages.add(new InstanceMessage(parent.instanceId(), parent.executionId(), result, null));
        }
    }

    private static int taskIdInParent(InstanceMetadata instance) {
        return instance.parent() == null ? 0 : instance.parent().taskId();
    }

    // ---- finished instances -------------------------------------------------------------------------------------

    /** Rewinds a failed instance, records late results of a failed one, and drops everything else. */
    private OrchestrationSession processFinished(OrchestrationWorkItem item, List<InstanceMessage> messages,
            Instant now) {
        InstanceMetadata instance = item.instance();
        if (instance.runtimeStatus() != RuntimeStatus.Failed && !InstanceLifecycle.awaitsRewind(instance)) {
            commit(item, Checkpoint.consumeOnly());
            drops.record(instance.instanceId(), instance.name(), finished(instance), withoutStarts(messages));
            return null;
        }
        List<HistoryEvent> history = store.getHistory(item.instanceId());
        ExecutionRewound rewind = firstOf(messages, ExecutionRewound.class);
        if (rewind == null) {
            List<InstanceMessage> notRecorded = new ArrayList<>();
            Checkpoint late = lateResults(instance, history, messages, now, notRecorded);
            if (InstanceLifecycle.awaitsRewind(instance)) {
                // Its rewind was stored with the reopening and comes in a later claim: what else arrived first
                // (an event, a termination) waits for it instead of being dropped.
                List<InstanceMessage> later = new ArrayList<>();
                for (InstanceMessage message : withoutStarts(notRecorded)) {
                    later.add(new InstanceMessage(message.instanceId(), message.executionId(), message.event(),
                            now.plusSeconds(1)));
                }
                commit(item, new Checkpoint(late.instance(), late.history(), false, List.of(), later));
                return null;
            }
            commit(item, late);
            drops.record(instance.instanceId(), instance.name(), finished(instance), withoutStarts(notRecorded));
            return null;
        }
        HistoryRewind.Plan plan = HistoryRewind.plan(history);
        OrchestrationSession session = newSession(instance, plan.history());
        StepOutput step = new StepOutput(instance, now);
        step.replaceHistory(plan.history());
        step.reopen();
        for (TaskScheduled rerun : plan.activitiesToRerun()) {
            // (rerun under the instance's own context: the step that first scheduled them is long gone)
            step.activityTasks.add(new ActivityTask(instance.instanceId(), instance.executionId(), rerun.taskId(),
                    rerun.name(), rerun.input(), session.traceParent()));
        }
        for (String child : plan.childrenToRewind()) {
            step.messages.add(InstanceMessage.of(child, new ExecutionRewound(now, rewind.reason())));
        }
        List<InstanceMessage> rest = new ArrayList<>();
        for (InstanceMessage message : messages) {
            if (!(message.event() instanceof ExecutionStarted)) {
                rest.add(message);
            }
        }
        try {
            runStep(session, rest, step);
            commit(item, step.toCheckpoint());
        } catch (RuntimeException | Error e) {
            discard(session);
            throw e;
        }
        step.logEnd();
        return session;
    }

    /**
     * A reopened instance whose rewind is given up: Failed again with the failure its history ended with (the row
     * had it cleared when it was reopened), nothing else changed.
     */
    private Checkpoint failedAgain(InstanceMetadata instance, Instant now) {
        FailureDetails failure = null;
        for (HistoryEvent event : store.getHistory(instance.instanceId())) {
            if (event instanceof ExecutionCompleted completed && completed.failure() != null) {
                failure = completed.failure();
            }
        }
        return new Checkpoint(instance.toBuilder().runtimeStatus(RuntimeStatus.Failed).failure(failure)
                .lastUpdatedAt(now).build(), List.of(), false, List.of(), List.of());
    }

    private static final String TERMINATED_FIRST = "the execution was terminated by an earlier message of the"
            + " same step, and a finished execution takes no further messages";

    private static String finished(InstanceMetadata instance) {
        return "the instance has already finished (" + instance.runtimeStatus() + ")";
    }

    private static List<InstanceMessage> withoutStarts(List<InstanceMessage> messages) {
        List<InstanceMessage> result = new ArrayList<>(messages);
        result.removeIf(InstanceMessage::isStart);
        return result;
    }

    /** Results a failed instance keeps for a later rewind; {@code notRecorded} collects everything else. */
    private Checkpoint lateResults(InstanceMetadata instance, List<HistoryEvent> history,
            List<InstanceMessage> messages, Instant now, List<InstanceMessage> notRecorded) {
        TaskLedger ledger = new TaskLedger();
        ledger.recordAll(history);
        List<HistoryEvent> late = new ArrayList<>();
        for (InstanceMessage message : messages) {
            HistoryEvent event = message.event();
            if (TaskLedger.resultId(event).isPresent() && ledger.isAcceptable(event)) {
                ledger.record(event);
                late.add(event);
            } else if (TaskLedger.resultId(event).isEmpty()) {
                notRecorded.add(message); // a duplicate result is no drop: its first copy was recorded
            }
        }
        if (late.isEmpty()) {
            return Checkpoint.consumeOnly();
        }
        // Kept so that a rewind can use results that arrived after the failure.
        return new Checkpoint(instance.toBuilder().lastUpdatedAt(now).build(), late, false, List.of(), List.of());
    }

    /**
     * Ends an instance whose step failed more often than the poison limit allows. When even that checkpoint
     * cannot be written (a stored value the backend now refuses, say), a bare one follows that carries no value
     * of the instance but its identity, so the limit holds whatever the failure and the instance can be purged.
     */
    private void commitPoisoned(OrchestrationWorkItem item, Instant now) {
        InstanceMetadata instance = item.instance();
        StepOutput step = poisoned(instance, item.dequeueCount(), now, null);
        try {
            commit(item, step.toCheckpoint());
        } catch (LockLostException e) {
            throw e;
        } catch (RuntimeException e) {
            InstanceMetadata bare = instance.toBuilder().input(null).output(null).customStatus(null)
                    .scheduledStartAt(null).build();
            step = poisoned(bare, item.dequeueCount(), now, e);
            try {
                commit(item, step.toCheckpoint());
            } catch (LockLostException lost) {
                throw lost;
            } catch (RuntimeException unwritable) {
                if (item.dequeueCount() <= 2 * poisonLimit) {
                    throw unwritable; // retried with back-off: the store may only be unavailable for a while
                }
                giveUp(item, unwritable);
                return;
            }
        }
        step.logEnd();
    }

    /**
     * The last resort, when not even the bare failure could be written in as many attempts again past the poison
     * limit (so not an outage of a few minutes): the work item's messages
     * are consumed (a commit that writes nothing else), so the limit holds and nothing is retried for ever; the
     * drop is logged with the instance id and counted. The instance keeps its stored row.
     */
    private void giveUp(OrchestrationWorkItem item, RuntimeException unwritable) {
        commit(item, Checkpoint.consumeOnly());
        System.getLogger(StepProcessor.class.getName()).log(System.Logger.Level.ERROR, "Instance " + item.instanceId()
                + " (" + item.instance().name() + ") reached the poison limit (" + poisonLimit + ") and not even its"
                + " failure could be stored (" + unwritable + "); its " + item.messages().size() + " message(s) are"
                + " given up and the instance is left as stored.");
        drops.record(item.instanceId(), item.instance().name(), "the poison limit was reached and the instance"
                + " could not be written", item.messages());
    }

    private StepOutput poisoned(InstanceMetadata instance, int dequeueCount, Instant now, RuntimeException writeError) {
        String cause = writeError == null ? " See the worker's log for the errors."
                : " Its values could not be stored either (" + writeError + "), so they were cleared.";
        FailureDetails failure = new FailureDetails("PoisonMessage", "Instance '" + instance.instanceId()
                + "' could not complete a step after " + dequeueCount + " attempts (the limit is " + poisonLimit
                + "); it was failed instead of retried forever." + cause);
        StepOutput step = new StepOutput(instance, now);
        step.history.add(new ExecutionCompleted(now, RuntimeStatus.Failed, null, failure));
        step.complete(RuntimeStatus.Failed, null, failure);
        notifyParent(instance, new SubOrchestrationFailed(now, taskIdInParent(instance), failure), step);
        return step;
    }

    private static <T extends HistoryEvent> T firstOf(List<?> eventsOrMessages, Class<T> type) {
        for (Object o : eventsOrMessages) {
            Object event = o instanceof InstanceMessage m ? m.event() : o;
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        return null;
    }
}
