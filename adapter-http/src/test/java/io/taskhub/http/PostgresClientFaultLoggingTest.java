package io.taskhub.http;

/** {@link ClientFaultLoggingTest} on PostgreSQL, in a schema of its own. */
class PostgresClientFaultLoggingTest extends ClientFaultLoggingTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
