package io.taskhub.ports.store;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import java.util.List;

/**
 * Everything one orchestration step produced, committed atomically with the removal of the work item's
 * messages.
 *
 * @param instance       the instance's new metadata, or null to leave the instance row unchanged; the store
 *                       ignores the given {@code revision} and stores the previous revision plus one (workers rely
 *                       on this to keep their cached state valid). An instance id that is purged and created again never
 *                       reuses a revision it had before.
 * @param history        events to append to the current execution's history
 * @param replaceHistory when true, {@code history} replaces the stored history (new execution, rewind)
 * @param activityTasks  activities to schedule
 * @param messages       messages for inboxes: this instance's own (timers, continue-as-new) or other
 *                       instances' (sub-orchestration starts and results, events, termination)
 */
public record Checkpoint(InstanceMetadata instance, List<HistoryEvent> history, boolean replaceHistory,
        List<ActivityTask> activityTasks, List<InstanceMessage> messages) {
    public Checkpoint {
        history = List.copyOf(history);
        activityTasks = List.copyOf(activityTasks);
        messages = List.copyOf(messages);
    }

    /**
     * Checks that this is a step a new instance can be stored with ({@link OrchestrationStore#createInstanceWithStep}):
     * it writes that instance's own row. (Whether it replaces the history or appends to it is the same for an
     * instance that has none: a first step that continues as new replaces it.)
     *
     * @throws IllegalArgumentException when it is not
     */
    public void requireFirstStepOf(String instanceId) {
        if (instance == null || !instance.instanceId().equals(instanceId)) {
            throw new IllegalArgumentException("The first step of '" + instanceId + "' must write its own row.");
        }
    }

    /** A step that only consumes its messages (they were duplicates or meant for an old execution). */
    public static Checkpoint consumeOnly() {
        return new Checkpoint(null, List.of(), false, List.of(), List.of());
    }
}
