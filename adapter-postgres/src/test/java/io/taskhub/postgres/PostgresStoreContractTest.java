package io.taskhub.postgres;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;
import io.taskhub.tck.WakeUpContract;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract (TCK) against PostgreSQL, in a schema of its own. */
class PostgresStoreContractTest extends OrchestrationStoreContract {
    private static PostgresSchema schema;
    /** The same schema, polling only every 30 s: the wake-up group passes only through LISTEN/NOTIFY. */
    private static PostgresStorageBackend slowPolling;

    @BeforeAll
    static void createSchema() {
        schema = PostgresSchema.create();
        slowPolling = PostgresStorageBackend.start(
                schema.config().withMaxPollInterval(WakeUpContract.POLLING_AT_LEAST));
        // Until it listens, a backend polls quickly (a lost connection must not stall work): wait for the listener.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(slowPolling::isListening);
    }

    @AfterAll
    static void dropSchema() {
        slowPolling.close();
        schema.close();
    }

    @Override
    protected StorageBackend wakeUpBackend() {
        return slowPolling;
    }

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }

    @Override
    protected boolean claimsNextActivity() {
        return true;
    }

    @Override
    protected boolean claimsAgain() {
        return true;
    }
}
