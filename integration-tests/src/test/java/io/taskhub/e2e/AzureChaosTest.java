package io.taskhub.e2e;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.store.StorageBackend;
import java.nio.file.Path;
import java.util.Map;

/** The chaos suite on Azure Storage (Azurite): two server processes on one task hub. */
class AzureChaosTest extends ChaosContract {
    private final String taskHub = "Chaos" + ManagementCommandsContract.uniqueSuffix();

    @Override
    Storage storage(Path directory) {
        return Storage.azureStorage(taskHub);
    }

    /** A killed process's partitions move to the other after 4 s instead of the tests' usual 15. */
    @Override
    Map<String, String> moreSettings() {
        return Map.of("TASKHUB_AZURE_PARTITIONLEASESECONDS", "4");
    }

    @Override
    StorageBackend open(Storage storage) {
        return AzureTestBackends.create(settings -> settings);
    }

    @Override
    String backendName() {
        return "azure-storage";
    }

    @Override
    String taskHub() {
        return taskHub;
    }
}
