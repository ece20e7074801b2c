package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract (TCK) against PostgreSQL, in a schema of its own. */
class PostgresStoreContractTest extends OrchestrationStoreContract {
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
