package io.taskhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Embedded, Taskhub logs through SLF4J like its host application: the engine's lines (here: an instance's end)
 * arrive in the application's logging backend, under the logger {@code io.taskhub.lifecycle}.
 */
class LifecycleLogTest {
    private static final TaskhubPlugin ENDINGS = registry -> registry
            .addOrchestrator("Breaks", ctx -> {
                throw new IllegalStateException("the order has no lines");
            })
            .addOrchestrator("Waits", ctx -> ctx.waitForExternalEvent("Never", String.class).await());

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Logger lifecycle;
    private Level levelBefore;

    @BeforeEach
    void capture() {
        lifecycle = (Logger) LoggerFactory.getLogger("io.taskhub.lifecycle");
        levelBefore = lifecycle.getLevel();
        lifecycle.setLevel(Level.INFO);
        captured.start();
        lifecycle.addAppender(captured);
    }

    @AfterEach
    void release() {
        lifecycle.detachAppender(captured);
        lifecycle.setLevel(levelBefore);
    }

    @Test
    void aFailedAndATerminatedInstance_eachLeaveOneLineInTheHostsLog() {
        Map<String, String> settings = Map.of("backend", "sqlite", "sqlite.file", dir.resolve("log.db").toString());
        try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(ENDINGS).start()) {
            String broken = taskhub.client().startNew(StartInstanceRequest.of("Breaks", null));
            String waiting = taskhub.client().startNew(StartInstanceRequest.of("Waits", null));
            assertThat(taskhub.client().waitForCompletion(broken, Duration.ofSeconds(60)).orElseThrow()
                    .runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> taskhub.client().getStatus(waiting,
                    io.taskhub.ports.client.StatusOptions.DEFAULT).orElseThrow().metadata().runtimeStatus()
                    == RuntimeStatus.Running);
            taskhub.client().terminate(waiting, "customer cancelled", false);
            taskhub.client().waitForCompletion(waiting, Duration.ofSeconds(60));

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> captured.list.size() >= 2);
            assertThat(captured.list).filteredOn(e -> e.getFormattedMessage().contains(broken)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage()).contains("(Breaks, execution ").contains(" failed")
                                .contains("IllegalStateException").contains("the order has no lines");
                        assertThat(e.getMDCPropertyMap()).as("the instance is in the line's context")
                                .containsEntry("instanceId", broken).containsEntry("function", "Breaks")
                                .containsEntry("executionId", taskhub.client().getStatus(broken,
                                        io.taskhub.ports.client.StatusOptions.DEFAULT).orElseThrow().metadata()
                                        .executionId());
                    });
            assertThat(captured.list).filteredOn(e -> e.getFormattedMessage().contains(waiting)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.INFO);
                        assertThat(e.getFormattedMessage()).contains("(Waits, execution ").contains("was terminated")
                                .as("no payload unless log.payloads=true").doesNotContain("customer cancelled");
                    });
        }
    }

    @Test
    void suspendedResumedAndTerminated_eachLeaveOneLine_withTheReasonWhenPayloadsAreAllowed() {
        Map<String, String> settings = Map.of("backend", "sqlite", "sqlite.file", dir.resolve("moves.db").toString(),
                "log.payloads", "true");
        try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(ENDINGS).start()) {
            var client = taskhub.client();
            String id = client.startNew(StartInstanceRequest.of("Waits", null));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client.getStatus(id,
                    io.taskhub.ports.client.StatusOptions.DEFAULT).orElseThrow().metadata().runtimeStatus()
                    == RuntimeStatus.Running);
            client.suspend(id, "maintenance");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lineAbout(id, "was suspended"));
            client.resume(id, "done");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lineAbout(id, "was resumed"));
            client.terminate(id, "customer cancelled", false);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> lineAbout(id, "customer cancelled"));

            assertThat(captured.list).filteredOn(e -> e.getFormattedMessage().contains(id))
                    .extracting(e -> e.getLevel() + " " + e.getFormattedMessage().replaceAll(".*\\) ", ""))
                    .containsExactly("INFO was suspended.", "INFO was resumed.",
                            "INFO was terminated: \"customer cancelled\"");
        }
    }

    private boolean lineAbout(String instanceId, String text) {
        return java.util.List.copyOf(captured.list).stream().anyMatch(e -> e.getFormattedMessage().contains(instanceId)
                && e.getFormattedMessage().contains(text));
    }
}
