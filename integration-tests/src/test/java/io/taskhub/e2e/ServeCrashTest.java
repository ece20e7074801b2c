package io.taskhub.e2e;

import static io.taskhub.e2e.JsonArrays.GREETINGS;
import static io.taskhub.e2e.JsonArrays.field;
import static io.taskhub.e2e.JsonArrays.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} on SQLite, run from the built jar as a separate process, is killed (SIGKILL) in the middle of an
 * orchestration and started again on the same file: the instance completes with the right output.
 */
class ServeCrashTest {
    @TempDir
    Path dir;

    private TaskhubProcess taskhub;

    @BeforeEach
    void configure() {
        // A short lease: work the killed process had claimed is taken over two seconds after it was renewed last.
        taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE", dir.resolve("taskhub.db").toString(),
                "TASKHUB_WORKER_LEASESECONDS", "2"));
    }

    @Test
    void serveKilledBetweenActivities_completesTheOrchestrationAfterRestart() throws URISyntaxException {
        TaskhubProcess withPlugin = taskhub.withPlugins(testClasses());
        String id;
        try (ServeProcess first = withPlugin.serve(dir.resolve("logs"), "--port", "0")) {
            id = first.api().start(SlowHelloPlugin.SLOW_HELLO_SEQUENCE, null, null);
            JsonNode seen = first.api().await(id, status -> completedTasks(status) >= 1,
                    "the first activity result in its history");
            first.kill();
            assertThat(seen.path("runtimeStatus").asText()).as(seen::toString).isEqualTo("Running");
        }

        // What the file holds after the crash, read by the command in direct mode: the middle of the run.
        CommandResult history = taskhub.run("get-history", "--id", id, "-o", "json");
        assertThat(history.exitCode()).as(history::describe).isZero();
        List<String> events = eventTypes(history.json());
        assertThat(events).as(history::describe).contains("TaskCompleted").doesNotContain("ExecutionCompleted");
        assertThat(events.stream().filter("TaskCompleted"::equals).count()).as(history::describe).isLessThan(3);

        try (ServeProcess second = withPlugin.serve(dir.resolve("logs"), "--port", "0")) {
            JsonNode done = second.api().awaitStatus(id, "Completed", "Failed", "Terminated");
            assertThat(done.path("runtimeStatus").asText()).as(done::toString).isEqualTo("Completed");
            assertThat(texts(done.path("output"))).isEqualTo(GREETINGS);
        }
        assertEveryStepRecordedOnce(id);
    }

    @Test
    void serveKilledRightAfterAcceptingTheStart_completesTheSequenceAfterRestart() throws URISyntaxException {
        TaskhubProcess withPlugin = taskhub.withPlugins(testClasses());
        String id;
        try (ServeProcess first = withPlugin.serve(dir.resolve("logs"), "--port", "0")) {
            id = first.api().start(SlowHelloPlugin.SLOW_HELLO_SEQUENCE, null, null);
            first.kill();
        }

        // At the kill the start was stored and nothing more: its activities take far longer than the kill.
        CommandResult atKill = taskhub.run("get-runtime-status", "--id", id, "-o", "json");
        assertThat(atKill.exitCode()).as(atKill::describe).isZero();
        assertThat(atKill.json().path("runtimeStatus").asText()).as(atKill::describe).isIn("Pending", "Running");

        try (ServeProcess second = withPlugin.serve(dir.resolve("logs"), "--port", "0")) {
            JsonNode done = second.api().awaitStatus(id, "Completed", "Failed", "Terminated");
            assertThat(done.path("runtimeStatus").asText()).as(done::toString).isEqualTo("Completed");
            assertThat(texts(done.path("output"))).isEqualTo(GREETINGS);
        }
        assertEveryStepRecordedOnce(id);
    }

    /**
     * The stored history, read through the store itself (the HTTP form merges schedules into completions): one
     * start, three distinct activities scheduled, one result each, one completion, however often a step ran.
     */
    private void assertEveryStepRecordedOnce(String id) {
        try (SqliteStorageBackend file = new SqliteStorageBackend(SqliteConfig.at(dir.resolve("taskhub.db")))) {
            List<HistoryEvent> history = file.taskHub("TaskHub").getHistory(id);
            assertThat(history).filteredOn(ExecutionStarted.class::isInstance).hasSize(1);
            assertThat(history).filteredOn(TaskScheduled.class::isInstance).hasSize(3)
                    .extracting(e -> ((TaskScheduled) e).taskId()).doesNotHaveDuplicates();
            assertThat(history).filteredOn(TaskCompleted.class::isInstance).hasSize(3)
                    .extracting(e -> ((TaskCompleted) e).taskId()).doesNotHaveDuplicates();
            assertThat(history).filteredOn(ExecutionCompleted.class::isInstance).hasSize(1);
        }
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(SlowHelloPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static long completedTasks(JsonNode status) {
        return eventTypes(status.path("historyEvents")).stream().filter("TaskCompleted"::equals).count();
    }

    private static List<String> eventTypes(JsonNode events) {
        return field(events, "EventType");
    }
}
