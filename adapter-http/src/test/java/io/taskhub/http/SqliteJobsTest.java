package io.taskhub.http;

/** {@link JobsTest} on a real SQLite file. */
class SqliteJobsTest extends JobsTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
