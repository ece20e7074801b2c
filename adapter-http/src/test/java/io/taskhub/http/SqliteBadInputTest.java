package io.taskhub.http;

/** The bad-input corpus on SQLite. */
class SqliteBadInputTest extends BadInputContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
