package io.taskhub.e2e;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import java.nio.file.Path;

/** The chaos suite on SQLite: two server processes on one database file. */
class SqliteChaosTest extends ChaosContract {
    private Path file;

    @Override
    Storage storage(Path directory) {
        file = directory.resolve("taskhub.db");
        return Storage.sqlite(directory);
    }

    @Override
    StorageBackend open(Storage storage) {
        return new SqliteStorageBackend(SqliteConfig.at(file));
    }

    @Override
    String backendName() {
        return "sqlite";
    }
}
