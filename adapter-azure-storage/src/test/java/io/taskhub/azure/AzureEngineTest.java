package io.taskhub.azure;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;

/** The engine suite, unchanged, on Azure Storage (Azurite unless a connection string is configured). */
class AzureEngineTest extends EngineSuite {
    @Override
    protected StorageBackend backend() {
        return AzureTestBackends.shared();
    }

    /** Azure Storage stores every start for claiming (its control queues have no held messages to create). */
    @Override
    protected boolean handsStartsOver() {
        return false;
    }
}
