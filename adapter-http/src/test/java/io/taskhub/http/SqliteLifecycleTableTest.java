package io.taskhub.http;

/** {@link LifecycleTableTest} on a real SQLite file. */
class SqliteLifecycleTableTest extends LifecycleTableTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
