package io.taskhub.http;

/** Batch starts in memory. */
class BatchStartTest extends BatchStartContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.MEMORY;
    }
}
