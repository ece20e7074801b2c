package io.taskhub.core.engine;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;

/**
 * A worker in the starting process that takes the instances a client of its task hub starts: the start is stored
 * already held by it ({@link OrchestrationStore#createInstanceAndClaim}) and it runs the first step at once, without
 * a claim, a history read or a wake-up; when the worker is asked to and the store can, the first step runs before
 * the instance is stored, and the instance is stored with it ({@link #createWithFirstStep}). Each {@link #reserve}
 * that returns a claim is followed by at most one {@link #createWithFirstStep} and, unless that one returned true,
 * exactly one {@link #run} or {@link #release}.
 */
public interface StartHandOff {
    /** Takes no start: every instance is stored for claiming. */
    StartHandOff NONE = new StartHandOff() {
        @Override
        public InstanceClaim reserve(String orchestrator) {
            return null;
        }

        @Override
        public void run(OrchestrationWorkItem created) {
            throw new IllegalStateException("Nothing was reserved");
        }

        @Override
        public void release() {
            // nothing was reserved
        }
    };

    /**
     * Reserves a place for the first step of an instance of {@code orchestrator}; returns the claim to create it
     * with, or null when this process cannot run it now (it lacks the orchestrator, every place is taken, it
     * stops, or work suspected of crashing it runs alone).
     */
    InstanceClaim reserve(String orchestrator);

    /**
     * Runs the first step of a new instance here, in the reserved place, and stores the instance with it
     * ({@link OrchestrationStore#createInstanceWithStep}): one commit instead of the creation's and the step's.
     * Returns true when the instance was stored so (the place is given back then); false, with nothing stored and
     * the place still reserved, when it was not (the store cannot, an instance has the id, or the step could not be
     * stored): the caller then creates the instance as usual.
     */
    default boolean createWithFirstStep(String instanceId, ExecutionStarted started) {
        return false;
    }

    /** Runs the first step of {@code created}, handed over under the reserved claim, in the reserved place. */
    void run(OrchestrationWorkItem created);

    /** Gives back the reserved place: the store created the instance for claiming, or the creation failed. */
    void release();
}
