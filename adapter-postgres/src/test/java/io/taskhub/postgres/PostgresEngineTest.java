package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine suite: real orchestrations run by a real worker on PostgreSQL. */
class PostgresEngineTest extends EngineSuite {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }
}
