package io.taskhub.http;

/** {@link ListAndPurgeTest} on a real SQLite file. */
class SqliteListAndPurgeTest extends ListAndPurgeTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
