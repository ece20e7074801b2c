package io.taskhub.core.engine;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which task ids an execution has scheduled and which have their result, so that a result delivered twice
 * (an activity that ran twice, a redelivered message) is recorded once and a result for a task that was never
 * scheduled is dropped.
 */
final class TaskLedger {
    private final Set<Integer> scheduled = new HashSet<>();
    private final Set<Integer> resolved = new HashSet<>();
    private final Map<Integer, String> openChildren = new LinkedHashMap<>();

    void record(HistoryEvent event) {
        if (event instanceof TaskScheduled s) {
            scheduled.add(s.taskId());
        } else if (event instanceof TimerCreated t) {
            scheduled.add(t.timerId());
        } else if (event instanceof SubOrchestrationCreated s) {
            scheduled.add(s.taskId());
            openChildren.put(s.taskId(), s.instanceId());
        } else {
            resultId(event).ifPresent(id -> {
                resolved.add(id);
                openChildren.remove(id);
            });
        }
    }

    void recordAll(List<HistoryEvent> events) {
        events.forEach(this::record);
    }

    /** True unless {@code event} is a result that is a duplicate or answers no scheduled task. */
    boolean isAcceptable(HistoryEvent event) {
        OptionalInt id = resultId(event);
        return id.isEmpty() || (scheduled.contains(id.getAsInt()) && !resolved.contains(id.getAsInt()));
    }

    /** How many scheduled tasks, timers and sub-orchestrations still await their result. */
    int awaited() {
        return scheduled.size() - resolved.size();
    }

    /** Sub-orchestrations started and not yet finished, by instance id. */
    List<String> openChildInstanceIds() {
        return List.copyOf(openChildren.values());
    }

    static OptionalInt resultId(HistoryEvent event) {
        if (event instanceof TaskCompleted c) {
            return OptionalInt.of(c.taskId());
        } else if (event instanceof TaskFailed f) {
            return OptionalInt.of(f.taskId());
        } else if (event instanceof TimerFired f) {
            return OptionalInt.of(f.timerId());
        } else if (event instanceof SubOrchestrationCompleted c) {
            return OptionalInt.of(c.taskId());
        } else if (event instanceof SubOrchestrationFailed f) {
            return OptionalInt.of(f.taskId());
        }
        return OptionalInt.empty();
    }
}
