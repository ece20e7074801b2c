package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine suite: real orchestrations run by a real worker on PostgreSQL. */
class PostgresEngineTest extends EngineSuite {
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
