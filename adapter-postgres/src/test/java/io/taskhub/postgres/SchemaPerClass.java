package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own schema with a backend on it ({@link PostgresSchema#create}), made before the class's first
 * test and dropped after its last. Register it as a static field:
 * {@code @RegisterExtension static final SchemaPerClass schema = new SchemaPerClass();}
 */
final class SchemaPerClass implements BeforeAllCallback, AfterAllCallback {
    private PostgresSchema schema;

    @Override
    public void beforeAll(ExtensionContext context) {
        schema = PostgresSchema.create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (schema != null) {
            schema.close();
            schema = null;
        }
    }

    String name() {
        return current().name();
    }

    PostgresConfig config() {
        return current().config();
    }

    PostgresStorageBackend backend() {
        return current().backend();
    }

    PostgresTestServer.Server server() {
        return current().server();
    }

    Connection connect() throws SQLException {
        return current().connect();
    }

    private PostgresSchema current() {
        if (schema == null) {
            throw new IllegalStateException("The schema exists from the class's first test to its last only.");
        }
        return schema;
    }
}
