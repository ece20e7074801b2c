package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The historyEvents rendering rules, event by event. */
class HistoryJsonTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:46:39.123456789Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);

    private final List<HistoryEvent> history = List.of(
            new OrchestratorStarted(T0),
            new ExecutionStarted(T0, "Parent", null, "{\"a\":1}", "exec", null, null, null),
            new TaskScheduled(T0, 0, "Flaky", "\"in\""),
            new SubOrchestrationCreated(T0, 1, "Child", "p:child", "{}"),
            new TimerCreated(T0, 2, T2),
            new TaskScheduled(T0, 3, "StillRunning", null),
            new OrchestratorCompleted(T0),
            new OrchestratorStarted(T1),
            new TaskFailed(T1, 0, new FailureDetails("java.lang.IllegalStateException", "boom", "   at secret()\n", null)),
            new SubOrchestrationCompleted(T1, 1, "42"),
            new TimerFired(T2, 2, T2),
            new EventRaised(T2, "Approval", "true"),
            new ExecutionSuspended(T2, "hold"),
            new ExecutionRewound(T2, "retry"),
            new ExecutionTerminated(T2, "enough", true),
            new ExecutionCompleted(T2, RuntimeStatus.Terminated, "\"enough\"", null),
            new OrchestratorCompleted(T2));

    @Test
    void mergesSchedulesIntoCompletions_andLeavesOutStepMarkers() {
        JsonNode events = Http.MAPPER.valueToTree(HistoryJson.render(history, true, true));

        assertThat(events.findValuesAsText("EventType")).containsExactly("ExecutionStarted", "TimerCreated",
                "TaskScheduled", "TaskFailed", "SubOrchestrationInstanceCompleted", "TimerFired", "EventRaised",
                "ExecutionSuspended", "ExecutionRewound", "ExecutionTerminated", "ExecutionCompleted");
        JsonNode failed = events.get(3);
        assertThat(names(failed)).containsExactly("EventType", "FunctionName", "ScheduledTime", "Reason",
                "FailureDetails", "Timestamp");
        assertThat(failed.get("FunctionName").asText()).isEqualTo("Flaky");
        assertThat(failed.get("ScheduledTime").asText()).isEqualTo(T0.toString());
        assertThat(failed.get("Reason").asText()).isEqualTo("boom");
        assertThat(failed.toString()).doesNotContain("secret");
        JsonNode child = events.get(4);
        assertThat(child.get("FunctionName").asText()).isEqualTo("Child");
        assertThat(child.get("InstanceId").asText()).isEqualTo("p:child");
        assertThat(child.get("Result").asInt()).isEqualTo(42);
        assertThat(events.get(2).get("FunctionName").asText()).isEqualTo("StillRunning");
        assertThat(events.get(1).get("FireAt").asText()).isEqualTo(T2.toString());
        assertThat(events.get(6).get("Name").asText()).isEqualTo("Approval");
        assertThat(events.get(7).get("Reason").asText()).isEqualTo("hold");
        assertThat(events.get(9).get("Input").asText()).isEqualTo("enough");
        assertThat(events.get(10).get("OrchestrationStatus").asText()).isEqualTo("Terminated");
        assertThat(events.get(0).get("Timestamp").asText()).isEqualTo("2026-11-28T10:46:39.123456789Z");
    }

    @Test
    void resultOnlyWithHistoryOutput_inputOnlyWithShowInput() {
        JsonNode bare = Http.MAPPER.valueToTree(HistoryJson.render(history, false, false));

        assertThat(bare.findValues("Result")).isEmpty();
        assertThat(bare.findValues("Input")).isEmpty();
        assertThat(bare.get(0).get("FunctionName").asText()).isEqualTo("Parent");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
