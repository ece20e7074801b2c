package io.taskhub.core.memory;

import io.taskhub.core.worker.WorkerOptions;

/**
 * The engine suite again with the session cache off, so that every step replays the orchestrator from stored
 * history: the replay path must give the same results as the cached one.
 */
class InMemoryReplayEngineTest extends InMemoryEngineTest {
    @Override
    protected WorkerOptions workerOptions() {
        return super.workerOptions().withMaxCachedInstances(0);
    }
}
