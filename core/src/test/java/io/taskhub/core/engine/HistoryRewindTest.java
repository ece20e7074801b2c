package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRewindTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final FailureDetails BOOM = new FailureDetails("E", "boom");

    @Test
    void removesTheFinalFailureAndTheCompletion_keepingEarlierRetriesAndTimers() {
        List<HistoryEvent> history = List.of(
                new OrchestratorStarted(T), new ExecutionStarted(T, "o", null, null, "e", null, null, null),
                new TaskScheduled(T, 0, "a", "1"), new OrchestratorCompleted(T),
                new OrchestratorStarted(T), new TaskFailed(T, 0, BOOM), new TimerCreated(T, 1, T),
                new OrchestratorCompleted(T),
                new OrchestratorStarted(T), new TimerFired(T, 1, T), new TaskScheduled(T, 2, "a", "1"),
                new OrchestratorCompleted(T),
                new OrchestratorStarted(T), new TaskFailed(T, 2, BOOM),
                new ExecutionCompleted(T, RuntimeStatus.Failed, null, BOOM), new OrchestratorCompleted(T));
        HistoryRewind.Plan plan = HistoryRewind.plan(history);
        assertThat(plan.history()).hasSize(13).doesNotHaveAnyElementsOfTypes(ExecutionCompleted.class);
        assertThat(plan.history()).contains(new TaskFailed(T, 0, BOOM), new TimerFired(T, 1, T));
        assertThat(plan.history()).doesNotContain(new TaskFailed(T, 2, BOOM));
        assertThat(plan.activitiesToRerun()).containsExactly(new TaskScheduled(T, 2, "a", "1"));
        assertThat(plan.childrenToRewind()).isEmpty();
    }

    @Test
    void keepsResultsThatArrivedAfterTheFailure_andNamesFailedChildren() {
        List<HistoryEvent> history = List.of(
                new OrchestratorStarted(T), new ExecutionStarted(T, "o", null, null, "e", null, null, null),
                new TaskScheduled(T, 0, "a", null), new SubOrchestrationCreated(T, 1, "c", "child-1", null),
                new OrchestratorCompleted(T),
                new OrchestratorStarted(T), new SubOrchestrationFailed(T, 1, BOOM),
                new ExecutionCompleted(T, RuntimeStatus.Failed, null, BOOM), new OrchestratorCompleted(T),
                new TaskCompleted(T, 0, "\"late\""));
        HistoryRewind.Plan plan = HistoryRewind.plan(history);
        assertThat(plan.history()).contains(new TaskCompleted(T, 0, "\"late\""))
                .doesNotContain(new SubOrchestrationFailed(T, 1, BOOM));
        assertThat(plan.childrenToRewind()).containsExactly("child-1");
        assertThat(plan.activitiesToRerun()).isEmpty();
    }

    @Test
    void dropsWhatTheFailingStepScheduled_andTheirLateResults() {
        List<HistoryEvent> history = List.of(
                new OrchestratorStarted(T), new ExecutionStarted(T, "o", null, null, "e", null, null, null),
                new TaskScheduled(T, 0, "a", null), new OrchestratorCompleted(T),
                new OrchestratorStarted(T), new TaskFailed(T, 0, BOOM), new TaskScheduled(T, 1, "cleanup", null),
                new ExecutionCompleted(T, RuntimeStatus.Failed, null, BOOM), new OrchestratorCompleted(T),
                new TaskCompleted(T, 1, "\"cleaned\""));
        HistoryRewind.Plan plan = HistoryRewind.plan(history);
        assertThat(plan.history()).containsExactly(history.get(0), history.get(1), history.get(2), history.get(3),
                history.get(4));
        assertThat(plan.activitiesToRerun()).containsExactly(new TaskScheduled(T, 0, "a", null));
    }
}
