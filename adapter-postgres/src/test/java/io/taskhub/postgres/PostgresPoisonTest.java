package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.PoisonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The poison limit on PostgreSQL, in a schema of its own. */
class PostgresPoisonTest extends PoisonSuite {
    private static PostgresSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresSchema.create();
    }

    @AfterAll
    static void dropSchema() {
        schema.close();
    }

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }
}
