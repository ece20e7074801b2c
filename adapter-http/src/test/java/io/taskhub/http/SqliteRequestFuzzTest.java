package io.taskhub.http;

/** Random requests against the server over SQLite. */
class SqliteRequestFuzzTest extends RequestFuzzContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
