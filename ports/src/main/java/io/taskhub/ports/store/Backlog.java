package io.taskhub.ports.store;

import java.time.Instant;
import java.util.Map;

/**
 * The work waiting in a task hub at one moment: visible orchestration messages and activity tasks nobody holds,
 * with the oldest of each and how many there are per orchestrator or activity name (names as their instances and
 * tasks spell them). Counts read in one go, not a snapshot across queues.
 *
 * @param orchestrationMessages visible inbox messages
 * @param oldestOrchestrationMessage when the oldest of them became visible, or null when there is none
 * @param messagesByOrchestrator visible inbox messages per orchestrator name of their instance
 * @param activityTasks visible activity tasks that no lease holds
 * @param oldestActivityTask when the oldest of them became visible, or null when there is none
 * @param tasksByActivity those tasks per activity name
 */
public record Backlog(long orchestrationMessages, Instant oldestOrchestrationMessage,
        Map<String, Long> messagesByOrchestrator, long activityTasks, Instant oldestActivityTask,
        Map<String, Long> tasksByActivity) {

    public Backlog {
        messagesByOrchestrator = Map.copyOf(messagesByOrchestrator);
        tasksByActivity = Map.copyOf(tasksByActivity);
    }
}
