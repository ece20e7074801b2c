package io.taskhub.http;

/** Concurrent messages to one instance, on PostgreSQL. */
class PostgresConcurrentMessagesTest extends ConcurrentMessagesContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
