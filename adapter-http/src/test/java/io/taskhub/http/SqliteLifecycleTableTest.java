package io.taskhub.http;

import io.taskhub.ports.store.StorageBackend;

/** {@link LifecycleTableTest} on a real SQLite file. */
class SqliteLifecycleTableTest extends LifecycleTableTest {
    @Override
    protected StorageBackend newBackend() {
        return TestBackends.sqlite();
    }
}
