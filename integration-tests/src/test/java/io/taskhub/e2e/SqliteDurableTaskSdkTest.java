package io.taskhub.e2e;

import java.nio.file.Path;

/** The Durable Task Java SDK against {@code taskhub serve} on a SQLite file. */
class SqliteDurableTaskSdkTest extends DurableTaskSdkContract {
    @Override
    Storage storage(Path directory) {
        return Storage.sqlite(directory);
    }
}
