package io.taskhub.core.memory;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.PoisonSuite;
import org.junit.jupiter.api.AfterAll;

/** The poison limit on the in-memory reference store. */
class InMemoryPoisonTest extends PoisonSuite {
    private static final InMemoryStorageBackend BACKEND = new InMemoryStorageBackend();

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @Override
    protected StorageBackend backend() {
        return BACKEND;
    }
}
