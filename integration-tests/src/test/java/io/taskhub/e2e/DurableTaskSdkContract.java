package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.taskhub.grpc.testing.SdkSamples;
import io.taskhub.http.NodeProject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official Durable Task Java SDK ({@code com.microsoft:durabletask-client}) against {@code taskhub serve
 * --grpc-port}, run from the built jar: the SDK's worker runs its orchestrations and activities on the server, its
 * client manages them, and what either does is what the HTTP API shows, and the other way round.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DurableTaskSdkContract {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private Path dir;
    private Storage storage;
    private ServeProcess server;
    private int grpcPort;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<DurableTaskGrpcWorker> workers = new ArrayList<>();
    protected DurableTaskClient sdk;

    /** Where the server keeps its data: a storage of the class's own. */
    abstract Storage storage(Path directory);

    @BeforeAll
    void startServer() throws IOException {
        dir = Files.createTempDirectory("taskhub-sdk");
        storage = storage(dir);
        grpcPort = freePort();
        server = new TaskhubProcess(dir, storage.environment()).serve(dir.resolve("logs"), "--port", "0",
                "--grpc-port", String.valueOf(grpcPort));
        assertThat(server.stdout()).contains("durable task:   127.0.0.1:" + grpcPort);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.stop();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @BeforeEach
    void connect() {
        sdk = new DurableTaskGrpcClientBuilder().grpcChannel(channel()).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        SdkSamples.releaseAll();
        workers.forEach(DurableTaskGrpcWorker::close);
        workers.clear();
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        channels.clear();
    }

    private ManagedChannel channel() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private DurableTaskGrpcWorker startWorker() {
        DurableTaskGrpcWorker worker = SdkSamples.startWorker(channel());
        workers.add(worker);
        return worker;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private OrchestrationMetadata run(String name, Object input) throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance(name, new NewOrchestrationInstanceOptions()
                .setInstanceId(id(name)).setInput(input));
        OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, PATIENCE, true);
        assertThat(done.getRuntimeStatus()).as(done::toString).isNotEqualTo(OrchestrationRuntimeStatus.RUNNING);
        return done;
    }

    @Test
    void activitiesRetriesTimersEventsAndCustomStatus() throws TimeoutException {
        startWorker();
        assertThat(run("SdkHello", null).readOutputAs(String[].class))
                .containsExactly("Hello Tokyo!", "Hello Seattle!", "Hello London!");
        assertThat(run("SdkRetries", null).readOutputAs(String.class)).isEqualTo("succeeded on attempt 3");

        String waiting = sdk.scheduleNewOrchestrationInstance("SdkTimerAndEvent",
                new NewOrchestrationInstanceOptions().setInstanceId(id("approval")));
        await().atMost(PATIENCE).until(() -> "waiting for approval".equals(
                sdk.getInstanceMetadata(waiting, true).readCustomStatusAs(String.class)));
        sdk.raiseEvent(waiting, "Approve", "yes");
        assertThat(sdk.waitForInstanceCompletion(waiting, PATIENCE, true).readOutputAs(String.class))
                .isEqualTo("approved: yes");
    }

    @Test
    void subOrchestrationsFanOutFanInContinueAsNewAndFailures() throws TimeoutException {
        startWorker();
        assertThat(run("SdkParent", 4).readOutputAs(Integer.class)).isEqualTo(41);
        assertThat(run("SdkFanOut", null).readOutputAs(Integer.class)).isEqualTo(2870);
        assertThat(run("SdkCounter", 0).readOutputAs(Integer.class)).isEqualTo(3);
        OrchestrationMetadata failed = run("SdkFails", null);
        assertThat(failed.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);
        assertThat(failed.getFailureDetails().getErrorMessage()).isEqualTo("the input was wrong");
    }

    @Test
    void suspendResumeTerminate_andTheHttpApiSeesTheSameInstances() throws TimeoutException {
        startWorker();
        String id = sdk.scheduleNewOrchestrationInstance("SdkTimerAndEvent",
                new NewOrchestrationInstanceOptions().setInstanceId(id("held")));
        ServerApi http = server.api();
        http.await(id, s -> s.path("customStatus").asText().equals("waiting for approval"), "waiting");
        sdk.suspendInstance(id, "hold on");
        http.awaitStatus(id, "Suspended");
        sdk.resumeInstance(id, "go on");
        http.awaitStatus(id, "Running");
        sdk.terminate(id, "stopped");
        assertThat(sdk.waitForInstanceCompletion(id, PATIENCE, false).getRuntimeStatus())
                .isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
        assertThat(http.awaitStatus(id, "Terminated").path("name").asText()).isEqualTo("SdkTimerAndEvent");

        // Started over HTTP, run by the SDK's worker, seen by the SDK's client.
        String overHttp = http.start("SdkHello", id("from-http"), null);
        assertThat(sdk.waitForInstanceCompletion(overHttp, PATIENCE, true).readOutputAs(String[].class))
                .hasSize(3);
        JsonNode viaHttp = http.awaitStatus(overHttp, "Completed");
        assertThat(viaHttp.path("output").get(0).asText()).isEqualTo("Hello Tokyo!");
    }

    @Test
    void queryWithFiltersAndPurge() throws TimeoutException {
        startWorker();
        Instant before = Instant.now().minusSeconds(1);
        String prefix = id("query") + "-";
        for (int i = 0; i < 3; i++) {
            sdk.scheduleNewOrchestrationInstance("SdkHello", new NewOrchestrationInstanceOptions()
                    .setInstanceId(prefix + i));
        }
        for (int i = 0; i < 3; i++) {
            sdk.waitForInstanceCompletion(prefix + i, PATIENCE, false);
        }
        List<OrchestrationMetadata> found = sdk.queryInstances(new OrchestrationStatusQuery()
                .setInstanceIdPrefix(prefix).setCreatedTimeFrom(before)
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED))).getOrchestrationState();
        assertThat(found).extracting(OrchestrationMetadata::getInstanceId)
                .containsExactlyInAnyOrder(prefix + 0, prefix + 1, prefix + 2);

        assertThat(sdk.purgeInstance(prefix + 0).getDeletedInstanceCount()).isEqualTo(1);
        assertThat(server.api().status(prefix + 0)).isEmpty();
        int purged = sdk.purgeInstances(new PurgeInstanceCriteria().setCreatedTimeFrom(before)
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED))).getDeletedInstanceCount();
        assertThat(purged).isGreaterThanOrEqualTo(2);
        assertThat(server.api().status(prefix + 1)).isEmpty();
    }

    @Test
    void theJavaScriptSdk_runsAGreetingWithATimerAndAnEvent() throws IOException {
        NodeProject node = new NodeProject(Path.of("src/test/node-durabletask"), Path.of("target/node-durabletask"),
                "sdk-check.js");
        node.install();
        String id = id("javascript");
        NodeProject.Result result = node.node("sdk-check.js", Map.of("TASKHUB_GRPC", "127.0.0.1:" + grpcPort,
                "INSTANCE_ID", id), 120);
        assertThat(result.exitCode()).as("sdk-check.js: %s%s", result.stderr(), result.stdout()).isZero();
        String[] lines = result.stdout().strip().split("\n");
        JsonNode printed = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(printed.path("id").asText()).isEqualTo(id);
        assertThat(printed.path("output").path("greetings").toString())
                .isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
        assertThat(printed.path("output").path("approval").path("by").asText()).isEqualTo("javascript");
        // The same instance over the HTTP API, its history kept by the engine (its timer among it).
        JsonNode viaHttp = server.api().awaitStatus(id, "Completed");
        assertThat(viaHttp.path("name").asText()).isEqualTo("JsGreeting");
        assertThat(viaHttp.path("historyEvents").toString()).contains("TimerFired").contains("EventRaised");
    }

    @Test
    void aWorkerKilledMidOrchestration_anotherWorkerFinishesIt() throws Exception {
        // The first worker is a process of its own, killed (SIGKILL) while its activity runs.
        Path markers = Files.createDirectories(dir.resolve("markers"));
        Process first = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dtaskhub.sdk.markers=" + markers,
                "-Dcom.google.protobuf.use_unsafe_pre22_gencode=true", SdkSamples.class.getName(), "127.0.0.1",
                String.valueOf(grpcPort)).redirectErrorStream(true).redirectOutput(dir.resolve("first-worker.log")
                .toFile()).start();
        try {
            String key = id("blocking");
            String id = sdk.scheduleNewOrchestrationInstance("SdkBlocking",
                    new NewOrchestrationInstanceOptions().setInstanceId(key).setInput(key));
            await().atMost(PATIENCE).until(() -> Files.exists(markers.resolve(key)));
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            SdkSamples.releaseBlocking(key); // this process's worker runs the activity through
            startWorker();
            OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, PATIENCE, true);
            assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String.class)).isEqualTo("released");
        } finally {
            first.destroyForcibly();
        }
    }
}
