package io.taskhub.http;

/** Batch starts on SQLite (one transaction). */
class SqliteBatchStartTest extends BatchStartContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
