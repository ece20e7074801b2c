package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands directly on the PostgreSQL schema that a running server uses. */
class PostgresDirectCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.postgres();
    }

    @Override
    protected Mode mode() {
        return Mode.DIRECT;
    }

    @Override
    protected String taskHub() {
        return "PostgresDirect";
    }
}
