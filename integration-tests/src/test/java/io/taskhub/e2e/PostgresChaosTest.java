package io.taskhub.e2e;

import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresStorageBackend;
import io.taskhub.ports.store.StorageBackend;
import java.nio.file.Path;
import java.util.Map;

/** The chaos suite on PostgreSQL: two server processes on one schema. */
class PostgresChaosTest extends ChaosContract {
    @Override
    Storage storage(Path directory) {
        return Storage.postgres();
    }

    @Override
    StorageBackend open(Storage storage) {
        Map<String, String> settings = storage.environment();
        return PostgresStorageBackend.start(PostgresConfig.of(settings.get("TASKHUB_POSTGRES_URL"),
                settings.get("TASKHUB_POSTGRES_USER"), settings.get("TASKHUB_POSTGRES_PASSWORD"))
                .withSchema(settings.get("TASKHUB_POSTGRES_SCHEMA")).withPoolSize(2));
    }

    @Override
    String backendName() {
        return "postgres";
    }
}
