package io.taskhub.azure;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;
import io.taskhub.tck.WakeUpContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The storage contract, unchanged, on Azure Storage (Azurite unless a connection string is configured). Azure
 * queues cannot notify other processes, so waits poll; the wake-up group runs on a backend that polls only
 * every 30 s, so it passes only through the in-process wake-ups (work this process sends or commits, and its
 * delayed messages when they become visible).
 */
class AzureStoreContractTest extends OrchestrationStoreContract {
    private static AzureStorageBackend slowPolling;

    @AfterAll
    static void closeSlowPolling() {
        if (slowPolling != null) {
            slowPolling.close();
        }
    }

    @Override
    protected StorageBackend backend() {
        return AzureTestBackends.shared();
    }

    /**
     * Azure Storage hands a step's tasks to the committing worker (sent held by it), and declines the rest: an
     * instance's messages travel through the queue of a partition that another worker may own.
     */
    @Override
    protected boolean handsOffWork() {
        return false;
    }

    @Override
    protected boolean handsOffTasks() {
        return true;
    }

    @Override
    protected synchronized StorageBackend wakeUpBackend() {
        if (slowPolling == null) {
            slowPolling = AzureTestBackends.create(settings -> settings
                    .minPollingInterval(WakeUpContract.POLLING_AT_LEAST)
                    .maxPollingInterval(WakeUpContract.POLLING_AT_LEAST));
        }
        return slowPolling;
    }
}
