package io.taskhub.http;

/** {@link TaskhubExtrasTest} on a real SQLite file. */
class SqliteTaskhubExtrasTest extends TaskhubExtrasTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
