package io.taskhub.core.lifecycle;

import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.model.RuntimeStatus;

/**
 * The runtime status folded from an execution's history, event by event, with guards: history that could not
 * have been produced (a second start, events after completion) is corruption, reported as such rather than
 * silently reinterpreted.
 */
public final class RuntimeStatusFold {
    private RuntimeStatus status = RuntimeStatus.Pending;
    private boolean started;
    private boolean completed;
    private int position;

    public static RuntimeStatus of(Iterable<HistoryEvent> history) {
        RuntimeStatusFold fold = new RuntimeStatusFold();
        history.forEach(fold::apply);
        return fold.status();
    }

    public RuntimeStatusFold apply(HistoryEvent event) {
        if (event instanceof ExecutionStarted) {
            if (started) {
                throw corruption("a second ExecutionStarted");
            }
            started = true;
            status = RuntimeStatus.Running;
        } else if (event instanceof ExecutionCompleted done) {
            if (completed) {
                throw corruption("a second ExecutionCompleted");
            }
            completed = true;
            status = done.status();
        } else if (event instanceof ExecutionRewound) {
            if (completed) {
                throw corruption("ExecutionRewound after ExecutionCompleted (a rewind removes the failure first)");
            }
            status = RuntimeStatus.Running;
        } else if (completed && !(event instanceof OrchestratorStarted) && isOrchestratorStep(event)) {
            throw corruption(event.eventType() + " after ExecutionCompleted");
        } else if (event instanceof ExecutionSuspended && !completed) {
            status = RuntimeStatus.Suspended;
        } else if (event instanceof ExecutionResumed && !completed && status == RuntimeStatus.Suspended) {
            status = started ? RuntimeStatus.Running : RuntimeStatus.Pending;
        }
        position++;
        return this;
    }

    /** Events only an orchestrator step produces; results may still arrive after completion (late results). */
    private static boolean isOrchestratorStep(HistoryEvent event) {
        return event instanceof io.taskhub.ports.history.TaskScheduled
                || event instanceof io.taskhub.ports.history.TimerCreated
                || event instanceof io.taskhub.ports.history.SubOrchestrationCreated
                || event instanceof io.taskhub.ports.history.EventSent
                || event instanceof io.taskhub.ports.history.ContinueAsNew;
    }

    public RuntimeStatus status() {
        return status;
    }

    public boolean isStarted() {
        return started;
    }

    public boolean isCompleted() {
        return completed;
    }

    private IllegalStateException corruption(String what) {
        return new IllegalStateException("Corrupt history: " + what + " at position " + position + ".");
    }
}
