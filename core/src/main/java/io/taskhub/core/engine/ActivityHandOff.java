package io.taskhub.core.engine;

import io.taskhub.ports.store.TaskHandOff;

/**
 * Room in the committing worker for the activities a step schedules: what it reserves, the step's commit hands
 * over already leased to it ({@link TaskHandOff}), and the worker runs them without claiming them.
 */
public interface ActivityHandOff {
    /** Never takes anything: every task is stored for claiming. */
    ActivityHandOff NONE = new ActivityHandOff() {
        @Override
        public TaskHandOff reserve(int wanted) {
            return null;
        }

        @Override
        public void release(int places) {
            // nothing was reserved
        }
    };

    /** Reserves places for up to {@code wanted} tasks; returns the terms to commit with, or null for none. */
    TaskHandOff reserve(int wanted);

    /** Gives back places reserved and not used (the commit failed, or the store handed over fewer tasks). */
    void release(int places);
}
