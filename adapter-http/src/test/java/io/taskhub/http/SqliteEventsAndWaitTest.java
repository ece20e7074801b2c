package io.taskhub.http;

import io.taskhub.ports.store.StorageBackend;

/** {@link EventsAndWaitTest} on a real SQLite file. */
class SqliteEventsAndWaitTest extends EventsAndWaitTest {
    @Override
    protected StorageBackend newBackend() {
        return TestBackends.sqlite();
    }
}
