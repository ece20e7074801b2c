package io.taskhub.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeStatusFoldTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final ExecutionStarted START = new ExecutionStarted(T, "o", null, null, "e1", null, null, null);

    @Test
    void emptyHistory_isPending() {
        assertThat(RuntimeStatusFold.of(List.of())).isEqualTo(RuntimeStatus.Pending);
    }

    @Test
    void started_isRunning() {
        assertThat(RuntimeStatusFold.of(List.of(new OrchestratorStarted(T), START))).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void suspendAndResume_flipTheStatus() {
        List<HistoryEvent> suspended = List.of(START, new ExecutionSuspended(T, "r"));
        assertThat(RuntimeStatusFold.of(suspended)).isEqualTo(RuntimeStatus.Suspended);
        assertThat(RuntimeStatusFold.of(List.of(START, new ExecutionSuspended(T, "r"), new ExecutionResumed(T, "r"))))
                .isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void theStatusComesFromTheCompletionEvent() {
        assertThat(RuntimeStatusFold.of(List.of(START,
                new ExecutionCompleted(T, RuntimeStatus.Failed, null, new FailureDetails("E", "m")))))
                .isEqualTo(RuntimeStatus.Failed);
    }

    @Test
    void resultsArrivingAfterCompletion_doNotChangeTheStatus() {
        assertThat(RuntimeStatusFold.of(List.of(START, new TaskScheduled(T, 0, "a", null),
                new ExecutionCompleted(T, RuntimeStatus.Failed, null, new FailureDetails("E", "m")),
                new TaskCompleted(T, 0, "1")))).isEqualTo(RuntimeStatus.Failed);
    }

    @Test
    void rewound_isRunningAgain() {
        assertThat(RuntimeStatusFold.of(List.of(START, new ExecutionRewound(T, "r")))).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void aSecondStart_isCorruption() {
        assertThatThrownBy(() -> RuntimeStatusFold.of(List.of(START, START)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("second ExecutionStarted")
                .hasMessageContaining("position 1");
    }

    @Test
    void aSecondCompletion_isCorruption() {
        ExecutionCompleted done = new ExecutionCompleted(T, RuntimeStatus.Completed, "1", null);
        assertThatThrownBy(() -> RuntimeStatusFold.of(List.of(START, done, done)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("second ExecutionCompleted");
    }

    @Test
    void schedulingAfterCompletion_isCorruption() {
        assertThatThrownBy(() -> RuntimeStatusFold.of(List.of(START,
                new ExecutionCompleted(T, RuntimeStatus.Completed, "1", null), new TaskScheduled(T, 3, "a", null))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TaskScheduled after ExecutionCompleted");
    }
}
