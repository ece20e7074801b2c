package io.taskhub.sqlite;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;
import io.taskhub.tck.WakeUpContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on a real SQLite file. The wake-up group runs on a file whose waits look by themselves only
 * every 30 s, so only a real wake-up explains a waiter that returns sooner.
 */
class SqliteStoreContractTest extends OrchestrationStoreContract {
    @TempDir
    static Path directory;
    private static SqliteStorageBackend backend;
    private static SqliteStorageBackend slowPolling;

    @BeforeAll
    static void openDatabase() {
        backend = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("contract.db")));
        slowPolling = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("wake-ups.db"))
                .withOtherProcessPoll(WakeUpContract.POLLING_AT_LEAST));
    }

    @AfterAll
    static void closeDatabase() {
        backend.close();
        slowPolling.close();
    }

    @Override
    protected StorageBackend wakeUpBackend() {
        return slowPolling;
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }

    @Override
    protected boolean claimsAgain() {
        return true;
    }
}
