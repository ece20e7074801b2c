package io.taskhub.e2e;

import io.taskhub.postgres.PostgresTestServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
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
        PostgresTestServer.Server server = PostgresTestServer.get();
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        String schema = "taskhub_e2e_" + HexFormat.of().formatHex(random);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TASKHUB_BACKEND", "postgres");
        environment.put("TASKHUB_POSTGRES_URL", server.jdbcUrl());
        environment.put("TASKHUB_POSTGRES_SCHEMA", schema);
        // Each command is a JVM with a pool of its own: a small one is plenty, and spares the server's connections.
        environment.put("TASKHUB_POSTGRES_POOLSIZE", "4");
        if (server.user() != null) {
            environment.put("TASKHUB_POSTGRES_USER", server.user());
        }
        if (server.password() != null) {
            environment.put("TASKHUB_POSTGRES_PASSWORD", server.password());
        }
        return new Storage() {
            @Override
            public Map<String, String> environment() {
                return Map.copyOf(environment);
            }

            @Override
            public void close() {
                try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                    statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot drop the test schema " + schema, e);
                }
            }
        };
    }
}
