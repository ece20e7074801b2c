package io.taskhub.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A schema of its own for one test class on the test server, with a backend on it; closing it closes the
 * backend and drops the schema, so test classes never see each other's data.
 */
public final class PostgresSchema implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PostgresTestServer.Server server;
    private final String name;
    private final PostgresStorageBackend backend;

    private PostgresSchema(PostgresTestServer.Server server, String name, PostgresStorageBackend backend) {
        this.server = server;
        this.name = name;
        this.backend = backend;
    }

    /** A new randomly named schema with Taskhub's tables, and a started backend on it. */
    public static PostgresSchema create() {
        PostgresTestServer.Server server = PostgresTestServer.get();
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        String name = "taskhub_test_" + HexFormat.of().formatHex(bytes);
        return new PostgresSchema(server, name, PostgresStorageBackend.start(server.config(name)));
    }

    public String name() {
        return name;
    }

    public PostgresTestServer.Server server() {
        return server;
    }

    public PostgresConfig config() {
        return server.config(name);
    }

    public PostgresStorageBackend backend() {
        return backend;
    }

    /** A connection to the test server whose search path is this schema. */
    public Connection connect() throws SQLException {
        Connection connection = server.connect();
        try (Statement st = connection.createStatement()) {
            st.execute("SET search_path TO " + name);
        }
        return connection;
    }

    @Override
    public void close() {
        backend.close();
        try (Connection connection = server.connect(); Statement st = connection.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test schema " + name, e);
        }
    }
}
