package io.taskhub.http;

import io.taskhub.ports.store.StorageBackend;

/** {@link StartAndStatusTest} on a real SQLite file. */
class SqliteStartAndStatusTest extends StartAndStatusTest {
    @Override
    protected StorageBackend newBackend() {
        return TestBackends.sqlite();
    }
}
