package io.taskhub.tck;

import io.taskhub.ports.store.StorageBackend;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link io.taskhub.ports.store.OrchestrationStore} obeys, written once and run against
 * every backend. A backend's test extends this class and implements {@link #backend()}; it creates the backend
 * (for example in a {@code @BeforeAll}), owns it and closes it. Each test works in a task hub of its own, so
 * the tests run in any order and next to other test classes on the same storage.
 *
 * <p>The behaviours are grouped by topic; each group is a nested test class that runs against this class's
 * backend.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
public abstract class OrchestrationStoreContract {

    /** The backend under test. */
    protected abstract StorageBackend backend();

    /**
     * The backend the wake-up group runs on: the same storage, with whatever polling the backend does set to at
     * least {@link WakeUpContract#POLLING_AT_LEAST}, so that only a real wake-up explains a waiter that returns
     * within {@link WakeUpContract#WAKE_UP_WITHIN}. A backend that polls overrides this; the default is
     * {@link #backend()}, for backends that never poll.
     */
    protected StorageBackend wakeUpBackend() {
        return backend();
    }

    /**
     * Whether the backend wakes waiters by notification; a backend whose {@code awaitWork} and
     * {@code awaitInstanceChange} only sleep overrides this with false, which skips the wake-up tests.
     */
    protected boolean supportsPromptWakeUps() {
        return true;
    }

    @Nested
    class InstanceCreation extends InstanceCreationContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Inbox extends InboxContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Leases extends LeaseContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Checkpoints extends CheckpointContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Activities extends ActivityContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Queries extends QueryContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Purges extends PurgeContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class TaskHubs extends TaskHubContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Payloads extends PayloadContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Rewinds extends RewindContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class NameFilters extends NameFilterContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class Workers extends WorkerRegistryContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    /** Whether the store hands work off with its commits ({@link HandOffContract}); false for one that declines. */
    protected boolean handsOffWork() {
        return true;
    }

    /**
     * Whether the store hands a step's activity tasks to the committing worker ({@link HandOffContract}); by default
     * as {@link #handsOffWork()}, for a store that hands those over and declines the rest.
     */
    protected boolean handsOffTasks() {
        return handsOffWork();
    }

    /** Whether the store claims the next activity task with a result; false for one that declines (the default). */
    protected boolean claimsNextActivity() {
        return false;
    }

    /** Whether the store claims an instance again with a step's commit; false for one that declines (the default). */
    protected boolean claimsAgain() {
        return false;
    }

    @Nested
    class HandOffs extends HandOffContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }

        @Override
        protected boolean handsOffWork() {
            return OrchestrationStoreContract.this.handsOffWork();
        }

        @Override
        protected boolean handsOffTasks() {
            return OrchestrationStoreContract.this.handsOffTasks();
        }

        @Override
        protected boolean claimsNextActivity() {
            return OrchestrationStoreContract.this.claimsNextActivity();
        }

        @Override
        protected boolean claimsAgain() {
            return OrchestrationStoreContract.this.claimsAgain();
        }
    }

    @Nested
    class Backlogs extends BacklogContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class BulkLoads extends BulkLoadContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.backend();
        }
    }

    @Nested
    class WakeUps extends WakeUpContract {
        @Override
        protected StorageBackend backend() {
            return OrchestrationStoreContract.this.wakeUpBackend();
        }

        @Override
        protected boolean supportsPromptWakeUps() {
            return OrchestrationStoreContract.this.supportsPromptWakeUps();
        }
    }
}
