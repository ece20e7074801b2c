package io.taskhub.http;

/** {@link RequestHandlingTest} on PostgreSQL, in a schema of its own. */
class PostgresRequestHandlingTest extends RequestHandlingTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
