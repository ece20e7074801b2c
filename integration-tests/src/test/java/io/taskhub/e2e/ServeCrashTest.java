package io.taskhub.e2e;

import static io.taskhub.e2e.JsonArrays.GREETINGS;
import static io.taskhub.e2e.JsonArrays.field;
import static io.taskhub.e2e.JsonArrays.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.samples.HelloSequence;
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
            assertThat(completedTasks(done)).as("one result per activity, however often it ran").isEqualTo(3);
        }
    }

    @Test
    void serveKilledRightAfterAcceptingTheStart_completesTheHelloSequenceAfterRestart() {
        String id;
        try (ServeProcess first = taskhub.serve(dir.resolve("logs"), "--port", "0")) {
            id = first.api().start(HelloSequence.NAME, null, null);
            first.kill();
        }
        try (ServeProcess second = taskhub.serve(dir.resolve("logs"), "--port", "0")) {
            JsonNode done = second.api().awaitStatus(id, "Completed", "Failed", "Terminated");
            assertThat(done.path("runtimeStatus").asText()).as(done::toString).isEqualTo("Completed");
            assertThat(texts(done.path("output"))).isEqualTo(GREETINGS);
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
