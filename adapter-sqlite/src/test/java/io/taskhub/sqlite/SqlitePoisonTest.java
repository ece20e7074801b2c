package io.taskhub.sqlite;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.PoisonSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The poison limit on a real SQLite file. */
class SqlitePoisonTest extends PoisonSuite {
    @TempDir
    static Path directory;
    private static SqliteStorageBackend backend;

    @BeforeAll
    static void openDatabase() {
        backend = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("poison.db")));
    }

    @AfterAll
    static void closeDatabase() {
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }
}
