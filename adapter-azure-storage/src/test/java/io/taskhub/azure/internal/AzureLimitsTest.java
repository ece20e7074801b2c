package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.azure.AzureStorageBackend;
import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.TestOrchestrations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits Azure Storage sets and how the backend goes beyond them: payloads larger than a queue message or a
 * table property (64 KiB), and timers longer than the longest visibility delay of a queue message (7 days on
 * Azure; 2 seconds here, to test it in seconds).
 */
class AzureLimitsTest {
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);
    private static AzureStorageBackend backend;

    private OrchestrationStore store;
    private TaskhubClient client;
    private TaskhubWorker worker;

    @BeforeAll
    static void openBackend() {
        backend = AzureTestBackends.create(b -> b.maxVisibilityDelay(MAX_DELAY));
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @BeforeEach
    void startWorker() {
        store = backend.taskHub("l" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        store.createTaskHubIfNotExists();
        OrchestrationRegistry registry = TestOrchestrations.registry();
        registry.addActivity("EchoActivity", ctx -> ctx.getInput(String.class));
        registry.addOrchestrator("EchoThroughActivity",
                ctx -> ctx.callActivity("EchoActivity", ctx.getInput(String.class), String.class).await());
        client = new DefaultTaskhubClient(store, registry);
        worker = new TaskhubWorker(store, registry, WorkerOptions.defaults().withConcurrency(2, 2)
                .withLeaseDuration(Duration.ofSeconds(10))).start();
    }

    @AfterEach
    void stopWorker() {
        worker.stop(Duration.ofSeconds(5));
        store.deleteTaskHub();
    }

    @Test
    void twoMegabyteInputAndOutput_roundTripThroughTheOrchestrationAndItsActivity() {
        String payload = twoMegabyteJsonString();

        String id = client.startNew(StartInstanceRequest.of("EchoThroughActivity", payload));
        InstanceMetadata done = client.waitForCompletion(id, Duration.ofMinutes(2)).orElseThrow();

        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.input()).isEqualTo(payload);
        assertThat(done.output()).isEqualTo(payload);
        List<HistoryEvent> history = store.getHistory(id);
        assertThat(history).filteredOn(ExecutionStarted.class::isInstance)
                .singleElement().extracting(e -> ((ExecutionStarted) e).input()).isEqualTo(payload);
        assertThat(history).filteredOn(TaskScheduled.class::isInstance)
                .singleElement().extracting(e -> ((TaskScheduled) e).input()).isEqualTo(payload);
        assertThat(history).filteredOn(TaskCompleted.class::isInstance)
                .singleElement().extracting(e -> ((TaskCompleted) e).result()).isEqualTo(payload);
        long payloadRows = new TableServiceClientBuilder().connectionString(AzuriteServer.connectionString())
                .buildClient().getTableClient(store.taskHubName() + "Payloads").listEntities().stream().count();
        assertThat(payloadRows).as("stored out of line, split over rows").isGreaterThan(5);
    }

    @Test
    void timerLongerThanTheQueuesMaximumDelay_waitsInStepsAndFiresAtItsTime() {
        Instant before = Instant.now();

        String id = client.startNew(StartInstanceRequest.of("Timer", "5000"));

        // Past the queue's maximum delay, before the timer is due: the message came back, and went back.
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> Instant.now().isAfter(before.plusMillis(3000)));
        assertThat(client.getStatus(id, io.taskhub.ports.client.StatusOptions.DEFAULT).orElseThrow().metadata()
                .runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(store.getHistory(id)).noneMatch(TimerFired.class::isInstance);
        assertThat(queuedMessages(id)).as("the timer message, neither lost nor copied").isEqualTo(1);

        InstanceMetadata done = client.waitForCompletion(id, Duration.ofMinutes(1)).orElseThrow();
        assertThat(done.output()).isEqualTo("\"fired\"");
        List<HistoryEvent> history = store.getHistory(id);
        TimerCreated created = (TimerCreated) history.stream().filter(TimerCreated.class::isInstance).findFirst()
                .orElseThrow();
        assertThat(created.fireAt()).isAfterOrEqualTo(before.plusMillis(5000).minusMillis(50));
        assertThat(history).filteredOn(TimerFired.class::isInstance).singleElement()
                .extracting(e -> ((TimerFired) e).fireAt()).isEqualTo(created.fireAt());
        assertThat(done.completedAt()).isAfterOrEqualTo(created.fireAt());
    }

    private long queuedMessages(String instanceId) {
        ResourceNames names = new ResourceNames(store.taskHubName(), 4);
        return new QueueServiceClientBuilder().connectionString(AzuriteServer.connectionString()).buildClient()
                .getQueueClient(names.controlQueue(PartitionHash.partitionOf(instanceId, 4))).getProperties()
                .getApproximateMessagesCount();
    }

    /** A JSON string of about 2 MB mixing ASCII, accented letters, CJK and emoji. */
    private static String twoMegabyteJsonString() {
        StringBuilder out = new StringBuilder(2_100_000).append('"');
        String[] parts = {"taskhub ", "ünïcödé ", "中文 ", "😀 ", "line\\n ", "\\\"quoted\\\" "};
        for (int i = 0; out.length() < 2_000_000; i++) {
            out.append(parts[i % parts.length]).append(i).append(' ');
        }
        return out.append('"').toString();
    }
}
