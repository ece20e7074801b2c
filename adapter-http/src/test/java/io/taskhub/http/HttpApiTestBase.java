package io.taskhub.http;

import static org.awaitility.Awaitility.await;

import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.jobs.BulkJobPlugin;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.StorageBackend;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * A real server on a free loopback port over a real engine (a storage backend, a running worker, the samples).
 * Each test gets its own task hub with its own worker and addresses it with the {@code taskHub} parameter; the
 * server's default task hub has a worker too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpApiTestBase {
    static final String DEFAULT_HUB = "httpdefault";
    static final String WEBHOOK = "/runtime/webhooks/durabletask";

    protected StorageBackend backend;
    protected OrchestrationRegistry registry;
    protected DefaultTaskhubClients clients;
    protected TaskhubHttpServer server;
    protected final Http http = new Http();
    protected String hub;
    protected final List<TaskhubWorker> workers = new ArrayList<>();
    private TaskhubWorker defaultWorker;

    private Runnable releaseBackend;

    /** Which backend the class runs on (in memory unless a subclass says otherwise). */
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.MEMORY;
    }

    /** The backend under test; the class owns it. */
    protected StorageBackend newBackend() {
        TestBackends.Opened opened = backendKind().open();
        releaseBackend = opened.release();
        return opened.backend();
    }

    /** The server's settings; the port is chosen freely. */
    protected HttpConfig httpConfig() {
        return HttpConfig.defaults().withPort(0);
    }

    static WorkerOptions workerOptions() {
        return WorkerOptions.defaults().withConcurrency(2, 2).withLeaseDuration(Duration.ofSeconds(5))
                .withPoisonLimit(3);
    }

    @BeforeAll
    void startServer() {
        backend = newBackend();
        registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        new BulkJobPlugin().register(registry); // built in, as every deployment registers it
        clients = new DefaultTaskhubClients(backend, registry, DEFAULT_HUB);
        defaultWorker = new TaskhubWorker(backend.taskHub(DEFAULT_HUB), registry, workerOptions()).start();
        server = new TaskhubHttpServer(httpConfig(), clients).start();
    }

    @AfterAll
    void stopServer() {
        server.stop();
        defaultWorker.stop(Duration.ofSeconds(5));
        closeBackend();
    }

    private void closeBackend() {
        if (releaseBackend != null) {
            releaseBackend.run();
        } else {
            backend.close();
        }
    }

    @BeforeEach
    void newTaskHub() {
        hub = "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        startWorker(hub);
    }

    @AfterEach
    void dropTaskHub() {
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        workers.clear();
        clients.forTaskHub(hub).deleteTaskHub();
    }

    protected void startWorker(String taskHub) {
        workers.add(new TaskhubWorker(backend.taskHub(taskHub), registry, workerOptions()).start());
    }

    protected String base() {
        return server.localBaseUrl();
    }

    /** A URL under the webhook prefix in this test's task hub; {@code path} may carry its own query. */
    protected String api(String path) {
        return base() + WEBHOOK + path + (path.contains("?") ? "&" : "?") + "taskHub=" + hub;
    }

    protected TaskhubClient client() {
        return clients.forTaskHub(hub);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Starts an orchestrator over HTTP and returns the instance id. */
    protected String start(String name, String input) {
        Http.Reply reply = input == null ? http.post(api("/orchestrators/" + name))
                : http.postJson(api("/orchestrators/" + name), input);
        if (reply.status() != 202) {
            throw new AssertionError("start " + name + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.json().get("id").asText();
    }

    protected InstanceMetadata metadata(String instanceId) {
        return client().getStatus(instanceId, StatusOptions.DEFAULT).orElseThrow().metadata();
    }

    protected InstanceMetadata awaitStatus(String instanceId, RuntimeStatus status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> client().getStatus(instanceId, StatusOptions.DEFAULT)
                        .map(s -> s.metadata().runtimeStatus() == status).orElse(false));
        return metadata(instanceId);
    }

    /** An Approval instance that waits for its event for an hour: Running until told otherwise. */
    protected String running() {
        String id = start("Approval", "{\"timeoutSeconds\":3600}");
        awaitStatus(id, RuntimeStatus.Running);
        return id;
    }
}
