package io.taskhub.http;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.postgres.PostgresSchema;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteStorageBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The storage backends the HTTP tests run on: in memory by default, the real ones for backend subclasses. */
final class TestBackends {
    private TestBackends() {
    }

    /** A backend and how to release everything made for it. */
    record Opened(StorageBackend backend, Runnable release) {
    }

    enum Kind {
        MEMORY, SQLITE, POSTGRES, AZURE_STORAGE;

        Opened open() {
            return switch (this) {
                case MEMORY -> closing(newBackend());
                case SQLITE -> closing(sqlite());
                case POSTGRES -> {
                    PostgresSchema schema = PostgresSchema.create(); // a schema of its own, dropped on release
                    yield new Opened(schema.backend(), schema::close);
                }
                case AZURE_STORAGE -> closing(AzureTestBackends.create(settings -> settings));
            };
        }

        private static Opened closing(StorageBackend backend) {
            return new Opened(backend, backend::close);
        }
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
