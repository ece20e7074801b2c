package io.taskhub.e2e;

import java.nio.file.Path;
import java.util.Set;

/** The management commands directly on the Azure Storage account that a running server uses. */
class AzureDirectCommandsTest extends ManagementCommandsContract {
    /** Unique, so that runs sharing a real account (or re-run before a deleted hub's names are free) differ. */
    private final String taskHub = "AzureDirect" + ManagementCommandsContract.uniqueSuffix();

    @Override
    protected Storage openStorage(Path directory) {
        return Storage.azureStorage(taskHub());
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
        return taskHub;
    }
}
