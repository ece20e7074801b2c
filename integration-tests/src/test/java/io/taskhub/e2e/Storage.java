package io.taskhub.e2e;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresSchema;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a test class's server and direct-mode commands keep their data, as {@code TASKHUB_*} settings. */
interface Storage extends AutoCloseable {
    Map<String, String> environment();

    @Override
    void close();

    private static Storage of(Map<String, String> environment, Runnable cleanUp) {
        Map<String, String> settings = Map.copyOf(environment);
        return new Storage() {
            @Override
            public Map<String, String> environment() {
                return settings;
            }

            @Override
            public void close() {
                cleanUp.run();
            }
        };
    }

    /** A database file of the class's own. */
    static Storage sqlite(Path directory) {
        Map<String, String> environment = Map.of("TASKHUB_BACKEND", "sqlite",
                "TASKHUB_SQLITE_FILE", directory.resolve("taskhub.db").toString());
        return of(environment, () -> {
            // the file goes with the test's temporary directory
        });
    }

    /** A schema of the class's own on the test server (found or started by the PostgreSQL test tooling). */
    static Storage postgres() {
        PostgresSchema schema = PostgresSchema.reserve();
        return postgres(schema.config(), schema::close);
    }

    /** The schema {@code config} names, on its server; {@code cleanUp} runs when the storage is closed. */
    static Storage postgres(PostgresConfig config, Runnable cleanUp) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TASKHUB_BACKEND", "postgres");
        environment.put("TASKHUB_POSTGRES_URL", config.jdbcUrl());
        environment.put("TASKHUB_POSTGRES_SCHEMA", config.schema());
        // Each command is a JVM with a pool of its own: a small one is plenty, and spares the server's connections.
        environment.put("TASKHUB_POSTGRES_POOLSIZE", "4");
        if (config.user() != null) {
            environment.put("TASKHUB_POSTGRES_USER", config.user());
        }
        if (config.password() != null) {
            environment.put("TASKHUB_POSTGRES_PASSWORD", config.password());
        }
        return of(environment, cleanUp);
    }

    /**
     * The Azure Storage account of the test tooling (Azurite, started once per test JVM, or an account given to
     * it); the class's task hub is deleted afterwards. Polling and partition leases are set for quick tests.
     */
    static Storage azureStorage(String taskHub) {
        return azureStorage(AzuriteServer.connectionString(),
                () -> AzureTestBackends.shared().taskHub(taskHub).deleteTaskHub());
    }

    /** The account of {@code connectionString}; {@code cleanUp} runs when the storage is closed. */
    static Storage azureStorage(String connectionString, Runnable cleanUp) {
        Map<String, String> environment = Map.of("TASKHUB_BACKEND", "azure-storage",
                "TASKHUB_AZURE_CONNECTIONSTRING", connectionString,
                "TASKHUB_AZURE_MAXPOLLINGSECONDS", "0.2",
                "TASKHUB_AZURE_PARTITIONLEASESECONDS", "15");
        return of(environment, cleanUp);
    }
}
