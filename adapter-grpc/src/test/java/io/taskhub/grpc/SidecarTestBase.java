package io.taskhub.grpc;

import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The Durable Task protocol served over a real engine on a SQLite file (a worker running the samples), reached
 * by the official Java SDK's client on a channel of its own. Each test gets its own task hub (the SDK's calls carry
 * it as metadata), so the tests share nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SidecarTestBase {
    /** How long the engine waits for a worker's answer before giving the work to another. */
    static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(20);

    protected StorageBackend backend;
    protected OrchestrationRegistry registry;
    protected DefaultTaskhubClients clients;
    protected TaskhubGrpcServer server;
    protected String hub;
    protected DurableTaskClient sdk;
    private ManagedChannel channel;
    private TaskhubWorker worker;
    private Path dir;

    /** How long the engine waits for a remote worker's answer. */
    protected Duration remoteTimeout() {
        return REMOTE_TIMEOUT;
    }

    protected GrpcConfig grpcConfig() {
        return GrpcConfig.loopback(0);
    }

    @BeforeAll
    void startServer() throws IOException {
        dir = Files.createTempDirectory("taskhub-grpc");
        backend = new SqliteStorageBackend(SqliteConfig.at(dir.resolve("grpc.db")));
        registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        clients = new DefaultTaskhubClients(backend, registry, "grpcdefault");
        server = new TaskhubGrpcServer(grpcConfig(), clients).start();
    }

    @AfterAll
    void stopServer() {
        server.stop();
        backend.close();
    }

    @BeforeEach
    void newTaskHub() {
        hub = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        worker = new TaskhubWorker(backend.taskHub(hub), registry, WorkerOptions.defaults().withConcurrency(2, 2)
                .withLeaseDuration(Duration.ofSeconds(5)))
                .withRemoteWorkers(server.remoteWorkers(hub), remoteTimeout()).start();
        channel = channel(null);
        sdk = new DurableTaskGrpcClientBuilder().grpcChannel(channel).build();
    }

    @AfterEach
    void dropTaskHub() throws InterruptedException {
        worker.stop(Duration.ofSeconds(5));
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        clients.forTaskHub(hub).deleteTaskHub();
    }

    /** A channel to the server that names this test's task hub, and sends {@code apiKey} when not null. */
    protected ManagedChannel channel(String apiKey) {
        return channel(hub, apiKey);
    }

    /** A channel to the server that names {@code taskHub}, and sends {@code apiKey} when not null. */
    protected ManagedChannel channel(String taskHub, String apiKey) {
        io.grpc.Metadata metadata = new io.grpc.Metadata();
        metadata.put(CallScope.TASK_HUB, taskHub);
        if (apiKey != null) {
            metadata.put(CallScope.KEY, apiKey);
        }
        return ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata)).build();
    }

    /** The test's task hub seen in process, as the HTTP API and the CLI see it. */
    protected TaskhubClient taskhub() {
        return clients.forTaskHub(hub);
    }

    protected void awaitStatus(String instanceId, RuntimeStatus status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> taskhub().getStatus(instanceId, StatusOptions.DEFAULT)
                        .map(s -> s.metadata().runtimeStatus() == status).orElse(false));
    }

    protected static List<String> greetings() {
        return List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!");
    }
}
