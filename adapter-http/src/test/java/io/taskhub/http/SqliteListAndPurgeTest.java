package io.taskhub.http;

import io.taskhub.ports.store.StorageBackend;

/** {@link ListAndPurgeTest} on a real SQLite file. */
class SqliteListAndPurgeTest extends ListAndPurgeTest {
    @Override
    protected StorageBackend newBackend() {
        return TestBackends.sqlite();
    }
}
