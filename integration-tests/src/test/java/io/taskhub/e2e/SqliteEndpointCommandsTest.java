package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands through the HTTP API of a server on SQLite (--endpoint). */
class SqliteEndpointCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.sqlite(directory);
    }

    @Override
    protected Mode mode() {
        return Mode.ENDPOINT;
    }

    @Override
    protected String taskHub() {
        return "SqliteEndpoint";
    }
}
