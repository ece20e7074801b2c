package io.taskhub.client;

import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.http.HttpConfig;
import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import io.taskhub.tck.EngineSuite;
import io.taskhub.tck.TestOrchestrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine suite with every instance started, read, changed and purged through {@link HttpTaskhubClient}
 * against a real server on SQLite: the same assertions as with the in-process client.
 */
class HttpClientEngineTest extends EngineSuite {
    private static StorageBackend backend;
    private static TaskhubHttpServer server;

    @BeforeAll
    static void startServer() throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-databases")), "client");
        backend = new SqliteStorageBackend(SqliteConfig.at(dir.resolve("client.db")));
        OrchestrationRegistry registry = TestOrchestrations.registry();
        server = new TaskhubHttpServer(HttpConfig.defaults().withPort(0),
                new DefaultTaskhubClients(backend, registry, "ClientDefault")).start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }

    @Override
    protected TaskhubClient newClient(OrchestrationStore store, OrchestrationRegistry registry) {
        return HttpTaskhubClient.connect(server.localBaseUrl(), null).forTaskHub(store.taskHubName());
    }
}
