package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands directly on the SQLite file that a running server uses. */
class SqliteDirectCommandsTest extends ManagementCommandsContract {
    @Override
    protected Storage openStorage(Path directory) {
        return Storage.sqlite(directory);
    }

    @Override
    protected Mode mode() {
        return Mode.DIRECT;
    }

    @Override
    protected String taskHub() {
        return "SqliteDirect";
    }
}
