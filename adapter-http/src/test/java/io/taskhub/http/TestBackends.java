package io.taskhub.http;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The storage backends the HTTP tests run on: in memory by default, SQLite for the Sqlite* subclasses. */
final class TestBackends {
    private TestBackends() {
    }

    /** The default: the in-memory reference store. */
    static StorageBackend newBackend() {
        return new InMemoryStorageBackend();
    }

    static StorageBackend sqlite() {
        try {
            Path parent = Files.createDirectories(Path.of("target", "test-databases").toAbsolutePath());
            Path dir = Files.createTempDirectory(parent, "http");
            return new SqliteStorageBackend(SqliteConfig.at(dir.resolve("http.db")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
