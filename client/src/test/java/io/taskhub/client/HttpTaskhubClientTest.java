package io.taskhub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.http.HttpConfig;
import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.BatchStartException;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.ReusePolicy;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import io.taskhub.tck.TestOrchestrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the engine suite does not reach: paging, counts, purge by filter, batches, and each failure typed as the
 * in-process client types it, against a real server with API keys that serves two task hubs on SQLite.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTaskhubClientTest {
    private static final String KEY = "client-key";
    private StorageBackend backend;
    private TaskhubHttpServer server;
    private TaskhubWorker worker;
    private HttpTaskhubClient client;

    @BeforeAll
    void startServer() throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-databases")), "typed");
        backend = new SqliteStorageBackend(SqliteConfig.at(dir.resolve("typed.db")));
        OrchestrationRegistry registry = TestOrchestrations.registry();
        worker = new TaskhubWorker(backend.taskHub("Orders"), registry, WorkerOptions.defaults()).start();
        server = new TaskhubHttpServer(HttpConfig.defaults().withPort(0).withApiKeys(List.of(KEY)),
                DefaultTaskhubClients.servingOnly(backend, registry, "Orders", List.of("Billing"))).start();
        client = HttpTaskhubClient.connect(server.localBaseUrl() + "/", KEY);
    }

    @AfterAll
    void stopServer() {
        server.stop();
        worker.stop(Duration.ofSeconds(5));
        backend.close();
    }

    @Test
    void theServersOwnTaskHub_isReportedAsTheServerNamesIt() {
        assertThat(client.taskHub()).isEqualTo("Orders");
        assertThat(client.forTaskHub("billing").taskHub()).isEqualTo("billing");
    }

    @Test
    void listPagesWithContinuationTokens_andCountsByStatus() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(client.startNew(StartInstanceRequest.of("Hello", null).withInstanceId("page-" + i)));
        }
        ids.forEach(id -> client.waitForCompletion(id, Duration.ofSeconds(60)));

        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            InstancePage page = client.list(InstanceQuery.builder().instanceIdPrefix("page-").pageSize(2)
                    .continuationToken(token).build());
            page.instances().forEach(m -> seen.add(m.instanceId()));
            token = page.continuationToken();
        } while (token != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(client.countByStatus(InstanceQuery.builder().instanceIdPrefix("page-").build()))
                .containsEntry(RuntimeStatus.Completed, 5L);
    }

    @Test
    void purgeByFilter_deletesFinishedInstances_andAnswersHowMany() {
        Instant from = Instant.now().minusSeconds(1);
        String id = client.startNew(StartInstanceRequest.of("Hello", null).withInstanceId("purged-by-filter"));
        client.waitForCompletion(id, Duration.ofSeconds(60));

        assertThat(client.purge(new PurgeFilter(from, null, Set.of(RuntimeStatus.Completed)), Duration.ofSeconds(30))
                .deletedInstanceCount()).isPositive();
        assertThat(client.getStatus(id, StatusOptions.DEFAULT)).isEmpty();
    }

    @Test
    void batches_startAllOrReportEveryError() {
        assertThat(client.startNewBatch(List.of(StartInstanceRequest.of("Hello", null).withInstanceId("batch-a"),
                StartInstanceRequest.of("Hello", "1").withInstanceId("batch-b")))).allMatch(o -> o.started());

        assertThatThrownBy(() -> client.startNewBatch(List.of(StartInstanceRequest.of("Hello", null),
                StartInstanceRequest.of("Nope", null))))
                .isInstanceOfSatisfying(BatchStartException.class, e -> {
                    assertThat(e.outcomes()).hasSize(2);
                    assertThat(e.outcomes().get(1).error()).contains("Nope");
                });
    }

    @Test
    void failures_comeBackAsThePortsExceptions() {
        assertThat(client.getStatus("nobody", StatusOptions.DEFAULT)).isEmpty();
        assertThatThrownBy(() -> client.raiseEvent("nobody", "Go", "1")).isInstanceOf(InstanceNotFoundException.class);
        assertThatThrownBy(() -> client.startNew(StartInstanceRequest.of("Nope", null)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Nope");
        assertThatThrownBy(() -> client.startNew(StartInstanceRequest.of("Hello", null)
                .withReusePolicy(ReusePolicy.TERMINATE_AND_REPLACE))).isInstanceOf(InvalidArgumentException.class);

        String done = client.startNew(StartInstanceRequest.of("Hello", null));
        InstanceMetadata finished = client.waitForCompletion(done, Duration.ofSeconds(60)).orElseThrow();
        assertThat(finished.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThatThrownBy(() -> client.terminate(done, "late", true))
                .isInstanceOfSatisfying(IllegalInstanceStateException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.GONE);
                    assertThat(e.status()).isEqualTo(RuntimeStatus.Completed);
                });
        assertThatThrownBy(() -> client.rewind(done, "why"))
                .isInstanceOfSatisfying(IllegalInstanceStateException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.PRECONDITION_FAILED));

        assertThatThrownBy(() -> client.forTaskHub("Elsewhere").list(InstanceQuery.all()))
                .isInstanceOf(UnknownTaskHubException.class).hasMessageContaining("Elsewhere");
        assertThatThrownBy(() -> HttpTaskhubClient.connect(server.localBaseUrl(), "wrong").list(InstanceQuery.all()))
                .isInstanceOf(StorageException.class).hasMessageContaining("API key");
        assertThatThrownBy(() -> client.deleteTaskHub()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> HttpTaskhubClient.connect("ftp://nowhere", null))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aServerThatDoesNotAnswer_isNamedWithWhatToCheck() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free, and nobody listens once the socket is closed
        }
        String url = "http://127.0.0.1:" + closedPort;
        assertThatThrownBy(() -> HttpTaskhubClient.connect(url, null).getStatus("x", StatusOptions.DEFAULT))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Cannot reach the Taskhub server at " + url)
                .hasMessageContaining("is the server running")
                .hasMessageNotContaining("null");
    }
}
