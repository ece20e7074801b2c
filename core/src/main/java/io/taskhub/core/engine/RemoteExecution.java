package io.taskhub.core.engine;

import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.remote.RemoteWorkers.OrchestratorAnswer;
import io.taskhub.ports.remote.RemoteWorkers.OrchestratorWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The orchestrator code of an execution that runs in a remote worker ({@link RemoteWorkers}): each step sends the
 * history and the step's new events there and takes back the actions, which the step then records like those of
 * local code. The remote code replays the history itself, so nothing is kept between steps but the history.
 */
final class RemoteExecution {
    private final RemoteWorkers workers;
    private final Duration timeout;
    private final String instanceId;
    private final String executionId;
    private final List<HistoryEvent> past = new ArrayList<>();
    private final List<HistoryEvent> fresh = new ArrayList<>();
    /** The ids of the actions the history records: an SDK may send one again, and it is then not a new action. */
    private final Set<Integer> recorded = new HashSet<>();
    private List<Action> actions = List.of();
    private String customStatus;
    private boolean ran;

    RemoteExecution(RemoteWorkers workers, Duration timeout, String instanceId, String executionId,
            List<HistoryEvent> history) {
        this.workers = workers;
        this.timeout = timeout;
        this.instanceId = instanceId;
        this.executionId = executionId;
        history.forEach(this::add);
    }

    private void add(HistoryEvent event) {
        past.add(event);
        if (event instanceof TaskScheduled t) {
            recorded.add(t.taskId());
        } else if (event instanceof TimerCreated t) {
            recorded.add(t.timerId());
        } else if (event instanceof SubOrchestrationCreated s) {
            recorded.add(s.taskId());
        } else if (event instanceof EventSent e) {
            recorded.add(e.eventId());
        }
    }

    void feed(List<HistoryEvent> events) {
        fresh.addAll(events);
    }

    /** Runs the step remotely; the outcome when the remote code ended the execution. */
    Optional<Outcome> run() {
        OrchestratorAnswer answer = workers.runOrchestrator(new OrchestratorWork(instanceId, executionId, past, fresh),
                timeout);
        ran = true;
        fresh.forEach(this::add);
        fresh.clear();
        customStatus = answer.customStatus() == null || answer.customStatus().isEmpty() ? null
                : answer.customStatus();
        List<Action> taken = new ArrayList<>();
        Outcome outcome = null;
        for (RemoteWorkers.Action action : answer.actions()) {
            if (action instanceof RemoteWorkers.Action.Complete end) {
                outcome = outcome(end);
                break; // nothing the code does after ending its execution counts
            }
            if (!recorded.add(action.id())) {
                continue;
            }
            taken.add(action(action));
        }
        actions = taken;
        return Optional.ofNullable(outcome);
    }

    private static Action action(RemoteWorkers.Action action) {
        if (action instanceof RemoteWorkers.Action.ScheduleTask t) {
            return new Action.ScheduleTask(t.id(), t.name(), t.input());
        } else if (action instanceof RemoteWorkers.Action.CreateTimer t) {
            return new Action.CreateTimer(t.id(), t.fireAt());
        } else if (action instanceof RemoteWorkers.Action.CreateSubOrchestration c) {
            return new Action.CreateSubOrchestration(c.id(), c.name(), c.instanceId(), c.input());
        } else if (action instanceof RemoteWorkers.Action.SendEvent e) {
            return new Action.SendEvent(e.id(), e.instanceId(), e.name(), e.input());
        }
        throw new IllegalArgumentException("Unknown remote action " + action);
    }

    private static Outcome outcome(RemoteWorkers.Action.Complete end) {
        return switch (end.status()) {
            case Completed -> new Outcome.Completed(end.result());
            case Failed -> new Outcome.Failed(end.failure() != null ? end.failure()
                    : new FailureDetails("OrchestratorFailed", "The remote orchestrator failed and gave no details."));
            case ContinuedAsNew -> new Outcome.ContinuedAsNew(end.result(), end.carriedEvents());
            default -> new Outcome.Failed(new FailureDetails("InvalidCompletion", "The remote orchestrator ended"
                    + " its execution as " + end.status() + ", which only the engine decides."));
        };
    }

    List<Action> takeActions() {
        List<Action> taken = actions;
        actions = List.of();
        return taken;
    }

    String customStatus() {
        return customStatus;
    }

    boolean hasRun() {
        return ran;
    }
}
