package io.taskhub.e2e;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.ports.store.StorageBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The chaos suite on Azure Storage: two server processes on one task hub of an Azurite of the test's own, which
 * keeps its data on disk so that the suite can stop it and start it again.
 */
class AzureChaosTest extends ChaosContract {
    private AzuriteServer.OwnAzurite azurite;

    @Override
    Storage storage(Path directory) {
        try {
            azurite = AzuriteServer.OwnAzurite.start(Files.createDirectories(directory.resolve("azurite")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Storage.azureStorage(azurite.connectionString(), azurite::close);
    }

    /** A killed process's partitions move to the other after 4 s instead of the tests' usual 15. */
    @Override
    Map<String, String> moreSettings() {
        return Map.of("TASKHUB_AZURE_PARTITIONLEASESECONDS", "4");
    }

    /** Renewals are round trips to Azurite, slow under the load of the whole test command. */
    @Override
    int instances() {
        return 84;
    }

    @Override
    int leaseSeconds() {
        return 3;
    }

    @Override
    StorageBackend open(Storage storage) {
        return AzureTestBackends.create(settings -> settings.connectionString(azurite.connectionString()));
    }

    @Override
    Database database() {
        return new Database() {
            @Override
            public void stop() {
                azurite.stopServer();
            }

            @Override
            public void start() {
                azurite.startServer();
            }
        };
    }

    @Override
    String backendName() {
        return "azure-storage";
    }
}
