package io.taskhub.http;

/** {@link StartAndStatusTest} on a real SQLite file. */
class SqliteStartAndStatusTest extends StartAndStatusTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
