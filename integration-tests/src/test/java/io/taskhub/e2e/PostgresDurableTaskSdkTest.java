package io.taskhub.e2e;

import java.nio.file.Path;

/** The Durable Task Java SDK against {@code taskhub serve} on a PostgreSQL schema of its own. */
class PostgresDurableTaskSdkTest extends DurableTaskSdkContract {
    @Override
    Storage storage(Path directory) {
        return Storage.postgres();
    }
}
