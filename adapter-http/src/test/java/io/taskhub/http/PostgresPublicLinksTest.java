package io.taskhub.http;

/** {@link PublicLinksTest} on PostgreSQL, in a schema of its own. */
class PostgresPublicLinksTest extends PublicLinksTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
