package io.taskhub.ports.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ContinueAsNew;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stored form of history events does not move: every history ever written is read back by every later
 * version, and the previous version reads what this one writes during a rolling upgrade. The texts below are what
 * the codec's mapper wrote before the codec formatted instants itself and wrote events without the mapper
 * ({@link EventWriter}).
 */
class HistoryEventJsonTest {
    private static final Instant T = Instant.parse("2026-12-08T03:04:05.123456Z");

    @Test
    void everyEventType_isWrittenAsBefore_andReadsBackEqual() throws Exception {
        List<HistoryEvent> events = samples();
        List<String> written = events.stream().map(JsonCodec::writeEvent).toList();

        assertThat(written).containsExactly(
                "{\"eventType\":\"ExecutionStarted\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"name\":\"E1_HelloSequence\",\"version\":\"1.0\",\"input\":\"\\\"Tokyo\\\"\",\"executionId\":\"exec-1\",\"parent\":{\"instanceId\":\"parent\",\"executionId\":\"pexec\",\"name\":\"Parent\",\"taskId\":7},\"scheduledStartAt\":\"2026-12-09T00:00:00Z\",\"tags\":{\"team\":\"a\"},\"traceParent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}",
                "{\"eventType\":\"ExecutionStarted\",\"timestamp\":\"2026-12-08T03:04:05Z\",\"name\":\"Plain\",\"executionId\":\"exec-2\",\"tags\":{}}",
                "{\"eventType\":\"ExecutionCompleted\",\"timestamp\":\"2026-12-08T03:04:05.100Z\",\"status\":\"Completed\",\"result\":\"[\\\"a\\\",1]\"}",
                "{\"eventType\":\"ExecutionCompleted\",\"timestamp\":\"2026-12-08T03:04:05.000000001Z\",\"status\":\"Failed\",\"failure\":{\"errorType\":\"java.lang.IllegalStateException\",\"errorMessage\":\"Hello \u00fc \\u0001 done\",\"stackTrace\":\"at x\\n\\tat y\",\"innerFailure\":{\"errorType\":\"java.io.IOException\",\"errorMessage\":\"disk \\\"full\\\"\\n\"}}}",
                "{\"eventType\":\"ExecutionTerminated\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"reason\":\"stop it\",\"recursive\":true}",
                "{\"eventType\":\"ExecutionSuspended\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\"}",
                "{\"eventType\":\"ExecutionResumed\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"reason\":\"go on\"}",
                "{\"eventType\":\"ExecutionRewound\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"reason\":\"again\"}",
                "{\"eventType\":\"ContinueAsNew\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"input\":\"{\\\"n\\\":2}\"}",
                "{\"eventType\":\"EventRaised\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"name\":\"Approval\",\"input\":\"true\"}",
                "{\"eventType\":\"EventSent\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"eventId\":3,\"instanceId\":\"other\",\"name\":\"Ping\"}",
                "{\"eventType\":\"OrchestratorStarted\",\"timestamp\":\"1970-01-01T00:00:00Z\"}",
                "{\"eventType\":\"OrchestratorCompleted\",\"timestamp\":\"0001-01-01T00:00:00.500Z\"}",
                "{\"eventType\":\"SubOrchestrationInstanceCreated\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":4,\"name\":\"Child\",\"instanceId\":\"child-1\",\"input\":\"1\"}",
                "{\"eventType\":\"SubOrchestrationInstanceCompleted\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":4,\"result\":\"\\\"done\\\"\"}",
                "{\"eventType\":\"SubOrchestrationInstanceFailed\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":4,\"failure\":{\"errorType\":\"java.io.IOException\",\"errorMessage\":\"disk \\\"full\\\"\\n\"}}",
                "{\"eventType\":\"TaskScheduled\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":1,\"name\":\"E1_SayHello\",\"input\":\"\\\"Seattle\\\"\"}",
                "{\"eventType\":\"TaskCompleted\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":1,\"result\":\"\\\"Hello Seattle!\\\"\"}",
                "{\"eventType\":\"TaskFailed\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"taskId\":2,\"failure\":{\"errorType\":\"java.lang.IllegalStateException\",\"errorMessage\":\"Hello \u00fc \\u0001 done\",\"stackTrace\":\"at x\\n\\tat y\",\"innerFailure\":{\"errorType\":\"java.io.IOException\",\"errorMessage\":\"disk \\\"full\\\"\\n\"}}}",
                "{\"eventType\":\"TimerCreated\",\"timestamp\":\"2026-12-08T03:04:05.123456Z\",\"timerId\":5,\"fireAt\":\"9999-12-31T23:59:59.999999999Z\"}",
                "{\"eventType\":\"TimerFired\",\"timestamp\":\"2000-02-29T12:00:00.010Z\",\"timerId\":5,\"fireAt\":\"+10000-01-01T00:00:00Z\"}");
        for (int i = 0; i < events.size(); i++) {
            assertThat(JsonCodec.readEvent(written.get(i))).isEqualTo(events.get(i));
        }
        for (HistoryEvent event : events) {
            assertThat(EventWriter.write(event)).as("written without the mapper")
                    .isEqualTo(JsonCodec.mapper().writeValueAsString(event));
        }
        Set<Class<?>> covered = events.stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).as("a sample of every event type")
                .containsExactlyInAnyOrder(HistoryEvent.class.getPermittedSubclasses());
    }

    @Test
    void instantsAreWrittenAsInstantWritesThem() {
        SplittableRandom random = new SplittableRandom(42);
        long first = Instant.parse("-1000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last), nanos);
            assertThat(JsonCodec.isoInstant(instant)).isEqualTo(instant.toString());
        }
        for (String edge : List.of("0000-01-01T00:00:00Z", "-0001-12-31T23:59:59.999999999Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.000000001Z", "2000-02-29T12:00:00.010Z")) {
            Instant instant = Instant.parse(edge);
            assertThat(JsonCodec.isoInstant(instant)).isEqualTo(instant.toString()).isEqualTo(edge);
        }
    }

    private static List<HistoryEvent> samples() {
        FailureDetails inner = new FailureDetails("java.io.IOException", "disk \"full\"\n", null, null);
        FailureDetails failure = new FailureDetails("java.lang.IllegalStateException", "Hello \u00fc \u0001 done",
                "at x\n\tat y", inner);
        return List.of(
                new ExecutionStarted(T, "E1_HelloSequence", "1.0", "\"Tokyo\"", "exec-1",
                        new ParentInstance("parent", "pexec", "Parent", 7), Instant.parse("2026-12-09T00:00:00Z"),
                        Map.of("team", "a"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                new ExecutionStarted(Instant.parse("2026-12-08T03:04:05Z"), "Plain", null, null, "exec-2", null, null,
                        Map.of()),
                new ExecutionCompleted(Instant.parse("2026-12-08T03:04:05.100Z"), RuntimeStatus.Completed,
                        "[\"a\",1]", null),
                new ExecutionCompleted(Instant.parse("2026-12-08T03:04:05.000000001Z"), RuntimeStatus.Failed, null,
                        failure),
                new ExecutionTerminated(T, "stop it", true),
                new ExecutionSuspended(T, null),
                new ExecutionResumed(T, "go on"),
                new ExecutionRewound(T, "again"),
                new ContinueAsNew(T, "{\"n\":2}"),
                new EventRaised(T, "Approval", "true"),
                new EventSent(T, 3, "other", "Ping", null),
                new OrchestratorStarted(Instant.parse("1970-01-01T00:00:00Z")),
                new OrchestratorCompleted(Instant.parse("0001-01-01T00:00:00.5Z")),
                new SubOrchestrationCreated(T, 4, "Child", "child-1", "1"),
                new SubOrchestrationCompleted(T, 4, "\"done\""),
                new SubOrchestrationFailed(T, 4, inner),
                new TaskScheduled(T, 1, "E1_SayHello", "\"Seattle\""),
                new TaskCompleted(T, 1, "\"Hello Seattle!\""),
                new TaskFailed(T, 2, failure),
                new TimerCreated(T, 5, Instant.parse("9999-12-31T23:59:59.999999999Z")),
                new TimerFired(Instant.parse("2000-02-29T12:00:00.010Z"), 5, Instant.parse("+10000-01-01T00:00:00Z")));
    }
}
