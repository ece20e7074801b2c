package io.taskhub.sqlite;

import io.taskhub.core.worker.WorkerOptions;

/** The engine suite on a real SQLite file with starts stored together with their first step. */
class SqliteFirstStepEngineTest extends SqliteEngineTest {
    @Override
    protected WorkerOptions workerOptions() {
        return super.workerOptions().withFirstStepBeforeStore(true);
    }
}
