package io.taskhub.http;

/** Concurrent messages to one instance, in memory. */
class ConcurrentMessagesTest extends ConcurrentMessagesContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.MEMORY;
    }
}
