package io.taskhub.postgres;

import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine suite on PostgreSQL with starts stored together with their first step ({@code create_with_step}):
 * every orchestration of the suite, its first step run before anything is stored.
 */
class PostgresFirstStepEngineTest extends EngineSuite {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }

    @Override
    protected WorkerOptions workerOptions() {
        return super.workerOptions().withFirstStepBeforeStore(true);
    }
}
