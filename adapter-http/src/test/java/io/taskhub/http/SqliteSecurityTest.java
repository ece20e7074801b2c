package io.taskhub.http;

/** {@link SecurityTest} on a real SQLite file. */
class SqliteSecurityTest extends SecurityTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
