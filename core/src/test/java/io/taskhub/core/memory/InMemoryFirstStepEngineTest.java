package io.taskhub.core.memory;

import io.taskhub.core.worker.WorkerOptions;

/**
 * The engine suite on the in-memory store with starts stored together with their first step
 * ({@code worker.firstStepBeforeStore}): every orchestration of the suite, its first step run before anything is
 * stored (continue-as-new, timers, sub-orchestrations, events and failures in that step included).
 */
class InMemoryFirstStepEngineTest extends InMemoryEngineTest {
    @Override
    protected WorkerOptions workerOptions() {
        return super.workerOptions().withFirstStepBeforeStore(true);
    }
}
