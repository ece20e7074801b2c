package io.taskhub.http;

/** Batch starts on PostgreSQL (one transaction). */
class PostgresBatchStartTest extends BatchStartContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
