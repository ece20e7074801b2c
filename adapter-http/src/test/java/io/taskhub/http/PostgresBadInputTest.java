package io.taskhub.http;

/** The bad-input corpus on PostgreSQL, in a schema of its own. */
class PostgresBadInputTest extends BadInputContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
