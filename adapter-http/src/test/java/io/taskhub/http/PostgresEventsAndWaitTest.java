package io.taskhub.http;

/** {@link EventsAndWaitTest} on PostgreSQL, in a schema of its own. */
class PostgresEventsAndWaitTest extends EventsAndWaitTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
