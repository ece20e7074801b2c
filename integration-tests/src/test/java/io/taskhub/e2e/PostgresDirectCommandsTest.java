package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands directly on the PostgreSQL schema that a running server uses. */
class PostgresDirectCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.postgres();
    }

    /** The commands with storage-specific behaviour (see {@link ManagementCommandsContract#STORAGE_SPECIFIC}). */
    @Override
    protected boolean runs(String testName) {
        return STORAGE_SPECIFIC.contains(testName);
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
