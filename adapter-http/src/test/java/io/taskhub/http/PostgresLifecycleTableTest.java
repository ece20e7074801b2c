package io.taskhub.http;

/** {@link LifecycleTableTest} on PostgreSQL, in a schema of its own. */
class PostgresLifecycleTableTest extends LifecycleTableTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
