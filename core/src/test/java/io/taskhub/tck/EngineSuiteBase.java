package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Set-up shared by the engine suite: each test gets its own task hub on the backend, a worker and a client.
 * Backends extend {@link EngineSuite} and supply {@link #backend()}.
 */
public abstract class EngineSuiteBase {
    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected OrchestrationStore store;
    protected TaskhubClient client;
    protected OrchestrationRegistry registry;
    protected final List<TaskhubWorker> workers = new ArrayList<>();

    /** The backend under test; the subclass owns its lifecycle. */
    protected abstract StorageBackend backend();

    /**
     * The client the suite manages instances with: in process by default; another implementation of the port
     * (one over HTTP, say) overrides this and runs the whole suite through it.
     */
    protected TaskhubClient newClient(OrchestrationStore store, OrchestrationRegistry registry) {
        return new DefaultTaskhubClient(store, registry);
    }

    /** Worker settings; override to test other modes (for example without the session cache). */
    protected WorkerOptions workerOptions() {
        return WorkerOptions.defaults().withConcurrency(4, 8).withLeaseDuration(Duration.ofSeconds(5))
                .withPoisonLimit(3);
    }

    @BeforeEach
    void setUpTaskHub() {
        String taskHub = "e" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        store = backend().taskHub(taskHub);
        store.createTaskHubIfNotExists();
        registry = TestOrchestrations.registry();
        client = newClient(store, registry);
        startWorker(workerOptions());
    }

    @AfterEach
    void tearDownTaskHub() {
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        workers.clear();
        store.deleteTaskHub();
    }

    /**
     * Starts a worker; the client, when in process, hands it the starts it can take, as a deployment's client
     * hands them to its worker.
     */
    protected TaskhubWorker startWorker(WorkerOptions options) {
        TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
        workers.add(worker);
        if (client instanceof DefaultTaskhubClient local) {
            local.handStartsTo(worker.startHandOff());
        }
        return worker;
    }

    /** Whether the backend hands a start to the worker of the process that makes it (false where it declines). */
    protected boolean handsStartsOver() {
        return true;
    }

    protected void stopWorkers() {
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        workers.clear();
    }

    protected String start(String name, String inputJson) {
        return client.startNew(StartInstanceRequest.of(name, inputJson));
    }

    protected String start(String name, String inputJson, String instanceId) {
        return client.startNew(StartInstanceRequest.of(name, inputJson).withInstanceId(instanceId));
    }

    protected InstanceMetadata awaitStatus(String instanceId, RuntimeStatus status) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(
                () -> client.getStatus(instanceId, StatusOptions.DEFAULT)
                        .map(s -> s.metadata().runtimeStatus() == status).orElse(false));
        return metadata(instanceId);
    }

    protected InstanceMetadata awaitCompletion(String instanceId) {
        InstanceMetadata done = client.waitForCompletion(instanceId, WAIT).orElseThrow();
        assertThat(done.runtimeStatus().isTerminal())
                .as(() -> "instance " + instanceId + " should finish within " + WAIT + " but is "
                        + done.runtimeStatus() + "; its history: " + history(instanceId).stream()
                        .map(HistoryEvent::eventType).toList())
                .isTrue();
        return done;
    }

    /** Waits for a terminal status reached after {@code revision} (for operations on finished instances). */
    protected InstanceMetadata awaitCompletionAfter(String instanceId, long revision) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(
                () -> metadata(instanceId).revision() > revision);
        return awaitCompletion(instanceId);
    }

    protected InstanceMetadata metadata(String instanceId) {
        return client.getStatus(instanceId, StatusOptions.DEFAULT).orElseThrow().metadata();
    }

    protected List<HistoryEvent> history(String instanceId) {
        return client.getStatus(instanceId, StatusOptions.WITH_HISTORY).orElseThrow().history();
    }

    protected static <T extends HistoryEvent> List<T> eventsOf(List<HistoryEvent> history, Class<T> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
