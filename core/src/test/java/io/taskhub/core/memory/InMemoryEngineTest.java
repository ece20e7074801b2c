package io.taskhub.core.memory;

import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The engine suite on the in-memory reference store, with the session cache (the default worker mode). The backend
 * belongs to the test instance, not to the class: a subclass runs beside this class with a backend of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InMemoryEngineTest extends EngineSuite {
    private InMemoryStorageBackend backend;

    @BeforeAll
    void createBackend() {
        backend = new InMemoryStorageBackend();
    }

    @AfterAll
    void closeBackend() {
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }
}
