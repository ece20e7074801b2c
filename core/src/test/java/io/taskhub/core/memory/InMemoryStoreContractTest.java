package io.taskhub.core.memory;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.OrchestrationStoreContract;
import org.junit.jupiter.api.AfterAll;

/** The in-memory reference store against the store contract. */
class InMemoryStoreContractTest extends OrchestrationStoreContract {
    private static final InMemoryStorageBackend BACKEND = new InMemoryStorageBackend();

    @Override
    protected StorageBackend backend() {
        return BACKEND;
    }

    @Override
    protected boolean claimsAgain() {
        return true;
    }

    @AfterAll
    static void closeBackend() {
        BACKEND.close();
    }
}
