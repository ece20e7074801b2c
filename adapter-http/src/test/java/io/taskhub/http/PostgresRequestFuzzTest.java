package io.taskhub.http;

/** Random requests against the server over PostgreSQL, in a schema of its own. */
class PostgresRequestFuzzTest extends RequestFuzzContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
