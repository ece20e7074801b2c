package io.taskhub.sqlite;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine suite on a real SQLite file. The database belongs to the test instance, not to the class: a subclass
 * runs beside this class with a file of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqliteEngineTest extends EngineSuite {
    private SqliteStorageBackend backend;

    @BeforeAll
    void openDatabase(@TempDir Path directory) {
        backend = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("engine.db")));
    }

    @AfterAll
    void closeDatabase() {
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }
}
