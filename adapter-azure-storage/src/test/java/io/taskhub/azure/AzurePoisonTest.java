package io.taskhub.azure;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.PoisonSuite;

/** The poison limit on Azure Storage (Azurite unless a connection string is configured). */
class AzurePoisonTest extends PoisonSuite {
    @Override
    protected StorageBackend backend() {
        return AzureTestBackends.shared();
    }
}
