package io.taskhub.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A schema of its own for one test class on the test server, with a backend on it ({@link #create}) or for
 * a backend started elsewhere, such as a {@code taskhub} process under test ({@link #reserve}); closing it
 * closes the backend and drops the schema, so test classes never see each other's data.
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
        String name = randomName();
        return new PostgresSchema(server, name, PostgresStorageBackend.start(server.config(name)));
    }

    /**
     * A new random schema name on the test server, with nothing started: whatever first starts a backend with
     * {@link #config()} creates the schema; closing this drops it.
     */
    public static PostgresSchema reserve() {
        return new PostgresSchema(PostgresTestServer.get(), randomName(), null);
    }

    private static String randomName() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "taskhub_test_" + HexFormat.of().formatHex(bytes);
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

    /** The backend on this schema; only for a schema made by {@link #create}. */
    public PostgresStorageBackend backend() {
        if (backend == null) {
            throw new IllegalStateException("Schema " + name + " was reserved, not created: no backend runs on it.");
        }
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
        if (backend != null) {
            backend.close();
        }
        try (Connection connection = server.connect(); Statement st = connection.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test schema " + name, e);
        }
    }
}
