package io.taskhub.http;

/** {@link RequestHandlingTest} on a real SQLite file. */
class SqliteRequestHandlingTest extends RequestHandlingTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
