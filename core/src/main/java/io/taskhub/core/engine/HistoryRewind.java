package io.taskhub.core.engine;

import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a failed execution's history so that replay resumes just before the failure: the failures that
 * ended it are removed (their tasks get re-run), as is everything the final step did in reaction to them.
 * Sequence numbers are never shifted, so histories with timers and retries replay unchanged up to that point,
 * and every successful result (including ones that arrived after the failure) is kept.
 */
final class HistoryRewind {

    /**
     * @param history          the rewritten history (no ExecutionCompleted)
     * @param activitiesToRerun the scheduling events of the activities whose failure was removed
     * @param childrenToRewind the failed sub-orchestrations' instance ids
     */
    record Plan(List<HistoryEvent> history, List<TaskScheduled> activitiesToRerun, List<String> childrenToRewind) {
    }

    private HistoryRewind() {
    }

    static Plan plan(List<HistoryEvent> history) {
        int end = indexOfFailure(history);
        int stepStart = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (history.get(i) instanceof OrchestratorStarted) {
                stepStart = i;
                break;
            }
        }
        List<HistoryEvent> kept = new ArrayList<>(history.subList(0, stepStart));
        Set<Integer> failedTasks = new HashSet<>();
        Set<Integer> failedChildren = new HashSet<>();
        Set<Integer> droppedActions = new HashSet<>();
        for (int i = stepStart; i < history.size(); i++) {
            HistoryEvent event = history.get(i);
            boolean finalStep = i < end;
            if (i == end || event instanceof OrchestratorCompleted) {
                continue;
            }
            if (event instanceof TaskFailed f) {
                failedTasks.add(f.taskId());
            } else if (event instanceof SubOrchestrationFailed f) {
                failedChildren.add(f.taskId());
            } else if (finalStep && actionId(event) >= 0) {
                droppedActions.add(actionId(event));
            } else if (TaskLedger.resultId(event).isPresent()
                    && droppedActions.contains(TaskLedger.resultId(event).getAsInt())) {
                // a late result of something the final step scheduled: that step is being redone
            } else {
                kept.add(event);
            }
        }
        List<TaskScheduled> rerun = new ArrayList<>();
        List<String> children = new ArrayList<>();
        for (HistoryEvent event : kept) {
            if (event instanceof TaskScheduled s && failedTasks.contains(s.taskId())) {
                rerun.add(s);
            } else if (event instanceof SubOrchestrationCreated s && failedChildren.contains(s.taskId())) {
                children.add(s.instanceId());
            }
        }
        return new Plan(kept, rerun, children);
    }

    private static int indexOfFailure(List<HistoryEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i) instanceof ExecutionCompleted c && c.status() == RuntimeStatus.Failed) {
                return i;
            }
        }
        throw new IllegalStateException("the history has no failure to rewind");
    }

    private static int actionId(HistoryEvent event) {
        if (event instanceof TaskScheduled s) {
            return s.taskId();
        } else if (event instanceof TimerCreated t) {
            return t.timerId();
        } else if (event instanceof SubOrchestrationCreated s) {
            return s.taskId();
        } else if (event instanceof EventSent e) {
            return e.eventId();
        }
        return -1;
    }
}
