package io.taskhub.core.memory;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine suite on the in-memory reference store, with the session cache (the default worker mode). */
class InMemoryEngineTest extends EngineSuite {
    private static InMemoryStorageBackend backend;

    @BeforeAll
    static void createBackend() {
        backend = new InMemoryStorageBackend();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }
}
