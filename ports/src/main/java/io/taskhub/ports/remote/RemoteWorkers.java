package io.taskhub.ports.remote;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Workers in other processes that run orchestrator and activity code on the engine's behalf (the Durable Task
 * SDKs over gRPC, for one): a worker of this process hands them the work whose names it does not run itself. The
 * engine keeps every rule (leases, history, what a step records); such a worker only runs code: given an
 * instance's history it answers with what the orchestrator does next, given a task it answers with the activity's
 * result.
 *
 * <p>Both calls block until a remote worker answers. {@link RemoteWorkUnavailableException} means the work never
 * reached one (none is connected, or the one chosen declined it): it goes back as if never taken. Any other
 * exception (the worker disconnected with the work, or stayed silent past the timeout) counts as a failed attempt,
 * as a crash of a local worker would.
 */
public interface RemoteWorkers {
    /** Whether a remote worker is connected now, so that work for names this process lacks may be claimed. */
    boolean connected();

    /** Runs one step of an orchestration on a remote worker. */
    OrchestratorAnswer runOrchestrator(OrchestratorWork work, Duration timeout);

    /** Runs one activity on a remote worker. */
    ActivityAnswer runActivity(ActivityWork work, Duration timeout);

    /**
     * A step to run: the execution's stored history ({@code pastEvents}) and what this step brings
     * ({@code newEvents}, led by the step's {@code OrchestratorStarted}).
     */
    record OrchestratorWork(String instanceId, String executionId, List<HistoryEvent> pastEvents,
            List<HistoryEvent> newEvents) {
        public OrchestratorWork {
            Objects.requireNonNull(instanceId, "instanceId");
            pastEvents = List.copyOf(pastEvents);
            newEvents = List.copyOf(newEvents);
        }
    }

    /**
     * What the orchestrator did in the step: its actions in order (a completion among them ends the execution) and
     * its custom status (a JSON text, or null).
     */
    record OrchestratorAnswer(List<Action> actions, String customStatus) {
        public OrchestratorAnswer {
            actions = List.copyOf(actions);
        }
    }

    /** An action of remote orchestrator code; {@code id} is the number its history event records. */
    sealed interface Action {
        int id();

        record ScheduleTask(int id, String name, String input) implements Action {
        }

        record CreateTimer(int id, Instant fireAt) implements Action {
        }

        record CreateSubOrchestration(int id, String name, String instanceId, String input) implements Action {
        }

        record SendEvent(int id, String instanceId, String name, String input) implements Action {
        }

        /**
         * The end of the execution: {@code Completed} with {@code result}, {@code Failed} with {@code failure}, or
         * {@code ContinuedAsNew} with {@code result} as the next execution's input and {@code carriedEvents} kept.
         */
        record Complete(int id, RuntimeStatus status, String result, FailureDetails failure,
                List<EventRaised> carriedEvents) implements Action {
            public Complete {
                Objects.requireNonNull(status, "status");
                carriedEvents = carriedEvents == null ? List.of() : List.copyOf(carriedEvents);
            }
        }
    }

    /** A task to run: the activity's name and input, and the instance and task it answers. */
    record ActivityWork(String name, String input, String instanceId, String executionId, int taskId) {
    }

    /** An activity's result (a JSON text, or null), or its failure. */
    record ActivityAnswer(String result, FailureDetails failure) {
    }
}
