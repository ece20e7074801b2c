package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands through the HTTP API of a server on PostgreSQL (--endpoint). */
class PostgresEndpointCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.postgres();
    }

    @Override
    protected Mode mode() {
        return Mode.ENDPOINT;
    }

    @Override
    protected String taskHub() {
        return "PostgresEndpoint";
    }
}
