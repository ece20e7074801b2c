package io.taskhub.http;

/** {@link StartAndStatusTest} on PostgreSQL, in a schema of its own. */
class PostgresStartAndStatusTest extends StartAndStatusTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
