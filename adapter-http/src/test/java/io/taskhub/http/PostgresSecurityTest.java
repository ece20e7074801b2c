package io.taskhub.http;

/** {@link SecurityTest} on PostgreSQL, in a schema of its own. */
class PostgresSecurityTest extends SecurityTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
