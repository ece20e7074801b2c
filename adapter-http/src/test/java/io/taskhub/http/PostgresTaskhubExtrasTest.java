package io.taskhub.http;

/** {@link TaskhubExtrasTest} on PostgreSQL, in a schema of its own. */
class PostgresTaskhubExtrasTest extends TaskhubExtrasTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.POSTGRES;
    }
}
