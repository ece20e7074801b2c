package io.taskhub.e2e;

import java.nio.file.Path;
import java.util.Set;

/** The management commands directly on the PostgreSQL schema that a running server uses. */
class PostgresDirectCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.postgres();
    }

    /** The commands with storage-specific behaviour (see {@link ManagementCommandsContract#STORAGE_SPECIFIC}). */
    @Override
    protected Set<String> runsOnly() {
        return STORAGE_SPECIFIC;
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
