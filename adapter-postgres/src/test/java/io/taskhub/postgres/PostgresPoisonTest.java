package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.PoisonSuite;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The poison limit on PostgreSQL, in a schema of its own. */
class PostgresPoisonTest extends PoisonSuite {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }
}
