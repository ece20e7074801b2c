package io.taskhub.azure;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;

/**
 * The storage contract, unchanged, on Azure Storage (Azurite unless a connection string is configured). Azure
 * queues cannot notify; waits poll with a back-off of at most the configured polling interval, which the
 * wake-up tests accept as a wake-up.
 */
class AzureStoreContractTest extends OrchestrationStoreContract {
    @Override
    protected StorageBackend backend() {
        return AzureTestBackends.shared();
    }
}
