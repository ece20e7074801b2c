package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands through the HTTP API of a server on Azure Storage (--endpoint). */
class AzureEndpointCommandsTest extends ManagementCommandsContract {
    /** Unique, so that runs sharing a real account (or re-run before a deleted hub's names are free) differ. */
    private final String taskHub = "AzureEndpoint" + ManagementCommandsContract.uniqueSuffix();

    @Override
    protected Storage openStorage(Path directory) {
        return Storage.azureStorage(taskHub());
    }

    @Override
    protected Mode mode() {
        return Mode.ENDPOINT;
    }

    @Override
    protected String taskHub() {
        return taskHub;
    }
}
