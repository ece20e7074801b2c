package io.taskhub.http;

/** {@link ListAndPurgeTest} on PostgreSQL, in a schema of its own. */
class PostgresListAndPurgeTest extends ListAndPurgeTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
