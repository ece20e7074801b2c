package io.taskhub.http;

/** Concurrent messages to one instance, on SQLite. */
class SqliteConcurrentMessagesTest extends ConcurrentMessagesContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
