package io.taskhub.http;

/** {@link ClientFaultLoggingTest} on a real SQLite file. */
class SqliteClientFaultLoggingTest extends ClientFaultLoggingTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
