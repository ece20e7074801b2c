package io.taskhub.http;

/** {@link EventsAndWaitTest} on a real SQLite file. */
class SqliteEventsAndWaitTest extends EventsAndWaitTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
