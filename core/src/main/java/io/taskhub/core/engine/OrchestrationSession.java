package io.taskhub.core.engine;

import io.taskhub.core.json.JsonDataConverter;
import io.taskhub.core.lifecycle.RuntimeStatusFold;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.remote.RemoteWorkers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The runtime state of one execution of one instance: its orchestrator code running on a thread of its own,
 * suspended wherever it awaits a result that has not arrived. A worker feeds it each step's new events and
 * it continues from where it stopped, so a cached instance is never re-read or re-replayed; a session built
 * from stored history replays it first (the same code path, with {@code isReplaying()} true).
 *
 * <p>The worker thread ("driver") and the orchestrator thread never run at the same time: they hand a turn
 * back and forth under one monitor, which also publishes every state change between them.
 */
public final class OrchestrationSession {
    private static final System.Logger LOG = System.getLogger(OrchestrationSession.class.getName());

    private final String instanceId;
    private final String executionId;
    private final Function<String, Optional<Orchestrator>> orchestrators;
    private final OrchestrationContextImpl context;
    private final TaskLedger ledger = new TaskLedger();
    private final RuntimeStatusFold statusFold = new RuntimeStatusFold();

    private record Queued(HistoryEvent event, boolean replayed) {
    }

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private int replayedQueued;
    private boolean suspended;
    private final List<HistoryEvent> held = new ArrayList<>();

    private final Object monitor = new Object();
    /** Whether the code was given a thread ({@link OrchestratorThreads}). */
    private boolean threadStarted;
    /** The thread the code runs on, set by that thread before the code starts; null once the code ended. */
    private volatile Thread thread;
    private boolean orchestratorTurn;
    private volatile boolean unwindRequested;
    private boolean threadDone;
    private Outcome outcome;
    private boolean swallowedUnwind;
    private long revision;
    private InstanceMetadata committedRow;
    private String traceParent;
    /** Where the orchestrator code runs when not in this process; null: here, on the session's thread. */
    private final RemoteExecution remote;

    private OrchestrationSession(String instanceId, String executionId,
            Function<String, Optional<Orchestrator>> orchestrators, RemoteExecution remote) {
        this.instanceId = instanceId;
        this.executionId = executionId;
        this.orchestrators = orchestrators;
        this.context = new OrchestrationContextImpl(this, instanceId);
        this.remote = remote;
    }

    /** A session for an execution with the given stored history, which it will replay before new events. */
    public static OrchestrationSession fromHistory(String instanceId, String executionId, List<HistoryEvent> history,
            Function<String, Optional<Orchestrator>> orchestrators) {
        OrchestrationSession session = new OrchestrationSession(instanceId, executionId, orchestrators, null);
        session.recordStored(history);
        session.enqueue(history, true);
        return session;
    }

    /**
     * A session whose orchestrator code runs in a remote worker: it keeps the rules (status, awaited tasks) here and
     * has each step's code run there ({@link RemoteExecution}).
     */
    public static OrchestrationSession remote(String instanceId, String executionId, List<HistoryEvent> history,
            RemoteWorkers workers, Duration timeout) {
        OrchestrationSession session = new OrchestrationSession(instanceId, executionId, name -> Optional.empty(),
                new RemoteExecution(workers, timeout, instanceId, executionId, history));
        session.recordStored(history);
        return session;
    }

    private void recordStored(List<HistoryEvent> history) {
        history.forEach(statusFold::apply);
        history.forEach(this::noteTraceParent);
        ledger.recordAll(history);
    }

    /** Whether its code runs in a remote worker (such a session is not kept between steps). */
    public boolean isRemote() {
        return remote != null;
    }

    // ---- driver side ---------------------------------------------------------------------------------------------

    public String instanceId() {
        return instanceId;
    }

    public String executionId() {
        return executionId;
    }

    /** The store revision this session's state corresponds to (set after each committed step). */
    public long revision() {
        return revision;
    }

    /** Sets the revision after a commit whose row this session does not keep (forgets the row it knew). */
    public void setRevision(long committedRevision) {
        revision = committedRevision;
        committedRow = null;
    }

    /** The instance row as of {@link #revision()}, when the worker that committed it knows it; else null. */
    public InstanceMetadata committedRow() {
        return committedRow;
    }

    /** Sets the revision and the row it stored (after a step this session's worker committed). */
    public void setCommitted(long committedRevision, InstanceMetadata row) {
        revision = committedRevision;
        committedRow = row;
    }

    /** How many scheduled tasks, timers and sub-orchestrations still await their result. */
    public int awaitedResults() {
        return ledger.awaited();
    }

    public boolean hasStarted() {
        return statusFold.isStarted();
    }

    /** Whether the orchestrator code has begun (its start event was delivered to it). */
    public boolean hasRunCode() {
        return remote != null ? remote.hasRun() : context.isStarted();
    }

    public boolean isFinished() {
        return threadDone;
    }

    /** True unless {@code event} is a duplicate result or answers nothing this execution scheduled. */
    public boolean accepts(HistoryEvent event) {
        return ledger.isAcceptable(event);
    }

    public List<String> openChildInstanceIds() {
        return ledger.openChildInstanceIds();
    }

    /** Records events appended to history (status fold and task ledger); call once per appended event. */
    public RuntimeStatus record(List<HistoryEvent> appended) {
        appended.forEach(statusFold::apply);
        appended.forEach(this::noteTraceParent);
        ledger.recordAll(appended);
        return statusFold.status();
    }

    private void noteTraceParent(HistoryEvent event) {
        if (event instanceof ExecutionStarted started) {
            traceParent = started.traceParent();
        }
    }

    /** The trace context stored with the execution (its start's), or null. */
    public String traceParent() {
        return traceParent;
    }

    public RuntimeStatus status() {
        return statusFold.status();
    }

    /** Hands new (live) events to the orchestrator; events arriving while suspended are held until resumed. */
    public void feed(List<HistoryEvent> events) {
        if (remote != null) {
            remote.feed(events); // the remote code holds what arrives while suspended itself
            return;
        }
        enqueue(events, false);
    }

    private void enqueue(List<HistoryEvent> events, boolean replayed) {
        for (HistoryEvent event : events) {
            if (event instanceof ExecutionSuspended) {
                suspended = true;
            } else if (event instanceof ExecutionResumed) {
                suspended = false;
                held.forEach(h -> add(h, replayed));
                held.clear();
            } else if (suspended) {
                held.add(event);
            } else {
                add(event, replayed);
            }
        }
    }

    private void add(HistoryEvent event, boolean replayed) {
        queue.add(new Queued(event, replayed));
        if (replayed) {
            replayedQueued++;
        }
    }

    /**
     * Lets the orchestrator run until it awaits something that has not happened, or ends.
     *
     * @return the outcome when the code ended in this step, else empty (it is waiting)
     */
    public Optional<Outcome> runStep() {
        if (threadDone) {
            throw new IllegalStateException("the orchestrator of " + instanceId + " has already ended");
        }
        if (remote != null) {
            Optional<Outcome> ended = remote.run();
            ended.ifPresent(o -> {
                outcome = o;
                threadDone = true;
            });
            return ended;
        }
        synchronized (monitor) {
            orchestratorTurn = true;
            if (!threadStarted) {
                threadStarted = true;
                OrchestratorThreads.SHARED.run("taskhub-orchestrator-" + instanceId, this::runOrchestrator);
            } else {
                monitor.notifyAll();
            }
            boolean interrupted = false;
            while (orchestratorTurn) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return threadDone ? Optional.of(outcome) : Optional.empty();
    }

    /** The actions of the last step, in order. */
    public List<Action> takeNewActions() {
        return remote != null ? remote.takeActions() : context.takeNewActions();
    }

    public String customStatus() {
        return remote != null ? remote.customStatus() : context.customStatus();
    }

    /**
     * Ends the orchestrator thread by unwinding its code; returns false when the code caught the unwind
     * signal (and went on, or did not end within {@code grace}).
     */
    public boolean unwind(Duration grace) {
        if (remote != null) {
            return true; // no code runs here
        }
        synchronized (monitor) {
            if (!threadStarted || threadDone) {
                return !swallowedUnwind;
            }
            unwindRequested = true;
            orchestratorTurn = true;
            monitor.notifyAll();
            long deadline = System.nanoTime() + grace.toNanos();
            while (!threadDone) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    swallowedUnwind = true;
                    break;
                }
                try {
                    monitor.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return !swallowedUnwind;
        }
    }

    // ---- orchestrator side -----------------------------------------------------------------------------------------

    private void runOrchestrator() {
        thread = Thread.currentThread();
        Outcome result = null;
        Throwable thrown = null;
        try {
            context.processUntilStarted();
            Optional<Orchestrator> orchestrator = orchestrators.apply(context.name());
            if (orchestrator.isEmpty()) {
                result = new Outcome.Failed(new FailureDetails("OrchestratorNotFound",
                        "No orchestrator named '" + context.name() + "' is registered with this worker, nor with any"
                        + " running worker of the task hub."));
            } else {
                Object output = orchestrator.get().run(context);
                context.drainReplayedEvents();
                result = new Outcome.Completed(JsonDataConverter.serialize(output));
            }
        } catch (Throwable t) {
            thrown = t;
            if (!(t instanceof OrchestratorUnwind) && !(t instanceof ContinueAsNewSignal)) {
                result = new Outcome.Failed(Failures.of(t));
            }
        } finally {
            finish(result, thrown);
        }
    }

    private void finish(Outcome result, Throwable thrown) {
        if (unwindRequested && !(thrown instanceof OrchestratorUnwind)) {
            swallowedUnwind = true;
            LOG.log(System.Logger.Level.ERROR, "Orchestrator code of instance " + instanceId
                    + " caught Taskhub's internal unwind signal instead of letting it pass; catch Exception, not"
                    + " Throwable or Error, in orchestrator code.");
        }
        if (context.fatal() != null) {
            result = new Outcome.Failed(FailureDetails.from(context.fatal()));
        } else if (context.continueAsNewRequest() != null) {
            var request = context.continueAsNewRequest();
            List<EventRaised> carried = request.keepUnprocessedEvents() ? unprocessedEvents() : List.of();
            result = new Outcome.ContinuedAsNew(request.input(), carried);
        }
        synchronized (monitor) {
            // The thread goes back to the pool: from here on it is not this session's.
            thread = null;
            outcome = result;
            threadDone = true;
            orchestratorTurn = false;
            monitor.notifyAll();
        }
    }

    private List<EventRaised> unprocessedEvents() {
        List<EventRaised> events = new ArrayList<>(context.unconsumedEvents());
        for (Queued q : queue) {
            if (q.event() instanceof EventRaised e) {
                events.add(e);
            }
        }
        for (HistoryEvent h : held) {
            if (h instanceof EventRaised e) {
                events.add(e);
            }
        }
        return events;
    }

    /** The next event for the orchestrator; hands the turn to the driver while there is none. */
    HistoryEvent nextEvent() {
        Queued next;
        while ((next = queue.poll()) == null) {
            yieldToDriver();
        }
        if (next.replayed()) {
            replayedQueued--;
        }
        return next.event();
    }

    /** The next event if it is a replayed one, else null (never waits). */
    HistoryEvent pollReplayedEvent() {
        Queued next = queue.peek();
        if (next == null || !next.replayed()) {
            return null;
        }
        return nextEvent();
    }

    boolean hasReplayedEventsQueued() {
        return replayedQueued > 0;
    }

    private void yieldToDriver() {
        synchronized (monitor) {
            orchestratorTurn = false;
            monitor.notifyAll();
            while (!orchestratorTurn) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    unwindRequested = true;
                    break;
                }
            }
        }
        if (unwindRequested) {
            throw new OrchestratorUnwind();
        }
    }

    void checkOrchestratorThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("The orchestration context of " + instanceId
                    + " may only be used by its orchestrator code, on the thread that runs it.");
        }
        if (unwindRequested) {
            throw new OrchestratorUnwind();
        }
    }
}
