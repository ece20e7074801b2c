package io.taskhub.http;

/** {@link PublicLinksTest} on a real SQLite file. */
class SqlitePublicLinksTest extends PublicLinksTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }
}
