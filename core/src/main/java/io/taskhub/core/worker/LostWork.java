package io.taskhub.core.worker;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.util.Optional;

/**
 * What to log when work could not be committed because its lease was lost, told as what happened: the instance
 * was purged, or replaced (started again under its id), while the work ran, which is nothing to worry about;
 * otherwise the lease ran out (a slow step, a paused worker) and another worker redoes the work.
 */
final class LostWork {
    record Explanation(System.Logger.Level level, String text) {
    }

    private LostWork() {
    }

    /** @param now the instance as stored now, or null when that could not be read */
    static Explanation step(OrchestrationWorkItem item, Optional<InstanceMetadata> now, LockLostException e) {
        String what = "Dropped a step of " + item.instanceId() + ": ";
        if (now != null && now.isEmpty()) {
            return new Explanation(System.Logger.Level.INFO, what + "the instance was purged while the step ran.");
        }
        if (now != null && !now.get().createdAt().equals(item.instance().createdAt())) {
            return new Explanation(System.Logger.Level.INFO, what + "the instance was replaced (started again"
                    + " under its id) while the step ran.");
        }
        return new Explanation(System.Logger.Level.WARNING, what + "the lease was lost (" + e.getMessage()
                + "); another worker will redo it.");
    }

    static Explanation activity(ActivityWorkItem item, Optional<InstanceMetadata> now, LockLostException e) {
        String what = "Dropped the result of activity " + item.task().name() + " for " + item.task().instanceId()
                + ": ";
        if (now != null && now.isEmpty()) {
            return new Explanation(System.Logger.Level.INFO, what + "the instance was purged while it ran.");
        }
        if (now != null && !now.get().executionId().equals(item.task().executionId())) {
            return new Explanation(System.Logger.Level.INFO, what + "the instance moved on to another execution"
                    + " (replaced, or continued as new) while it ran.");
        }
        return new Explanation(System.Logger.Level.WARNING, what + "the lease was lost (" + e.getMessage()
                + "); it runs again elsewhere.");
    }
}
