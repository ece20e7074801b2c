package io.taskhub.e2e;

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

    /** A database file of the class's own. */
    static Storage sqlite(Path directory) {
        Map<String, String> environment = Map.of("TASKHUB_BACKEND", "sqlite",
                "TASKHUB_SQLITE_FILE", directory.resolve("taskhub.db").toString());
        return new Storage() {
            @Override
            public Map<String, String> environment() {
                return environment;
            }

            @Override
            public void close() {
                // the file goes with the test's temporary directory
            }
        };
    }

    /** A schema of the class's own on the test server (found or started by the PostgreSQL test tooling). */
    static Storage postgres() {
        PostgresSchema schema = PostgresSchema.reserve();
        PostgresConfig config = schema.config();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TASKHUB_BACKEND", "postgres");
        environment.put("TASKHUB_POSTGRES_URL", config.jdbcUrl());
        environment.put("TASKHUB_POSTGRES_SCHEMA", schema.name());
        // Each command is a JVM with a pool of its own: a small one is plenty, and spares the server's connections.
        environment.put("TASKHUB_POSTGRES_POOLSIZE", "4");
        if (config.user() != null) {
            environment.put("TASKHUB_POSTGRES_USER", config.user());
        }
        if (config.password() != null) {
            environment.put("TASKHUB_POSTGRES_PASSWORD", config.password());
        }
        return new Storage() {
            @Override
            public Map<String, String> environment() {
                return Map.copyOf(environment);
            }

            @Override
            public void close() {
                schema.close();
            }
        };
    }
}
