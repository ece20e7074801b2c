package io.taskhub.core.worker;

import java.time.Duration;
import java.util.UUID;

/**
 * How a worker runs.
 *
 * @param orchestrationConcurrency orchestration steps processed at once
 * @param activityConcurrency      activities run at once
 * @param leaseDuration            how long a claim lasts without renewal (renewed every third of it)
 * @param maxMessagesPerStep       inbox messages one step takes at most
 * @param poisonLimit              attempts after which a step or activity that keeps failing fails for good
 * @param maxCachedInstances       live orchestrator sessions kept in memory (0: replay every step)
 * @param maxIdleWait              longest wait for work when the store sends no wake-up
 * @param unwindGrace              how long discarding a session waits for its code to unwind
 * @param workerId                 this worker's name in leases and in its announcement to the task hub
 * @param unknownNameTimeout       how long work for a name no live worker runs may wait before a worker fails it
 *                                 (OrchestratorNotFound, ActivityNotFound); null: it waits for ever
 * @param handOffWork              whether the worker runs the starts made in its process, the activities its steps
 *                                 schedule and the steps their results bring without claiming them (where the
 *                                 store can hand them over), instead of storing each for any worker to claim
 * @param firstStepBeforeStore     whether such a start runs its first step before anything is stored, and is stored
 *                                 with it (where the store can): one commit instead of two. The risk, why it is off
 *                                 unless asked for: a first step that ends the process leaves nothing stored, so the
 *                                 poison limit never counts it, and each retry of that start ends a process again
 */
public record WorkerOptions(int orchestrationConcurrency, int activityConcurrency, Duration leaseDuration,
        int maxMessagesPerStep, int poisonLimit, int maxCachedInstances, Duration maxIdleWait, Duration unwindGrace,
        String workerId, Duration unknownNameTimeout, boolean handOffWork, boolean firstStepBeforeStore) {

    public WorkerOptions {
        if (unknownNameTimeout != null && unknownNameTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("unknownNameTimeout must be at least 1 second (or null: never), was "
                    + unknownNameTimeout);
        }
        positive(orchestrationConcurrency, "orchestrationConcurrency");
        positive(activityConcurrency, "activityConcurrency");
        positive(maxMessagesPerStep, "maxMessagesPerStep");
        positive(poisonLimit, "poisonLimit");
        if (maxCachedInstances < 0) {
            throw new IllegalArgumentException("maxCachedInstances must not be negative, was " + maxCachedInstances);
        }
        if (leaseDuration.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("leaseDuration must be at least 300ms, was " + leaseDuration);
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }

    public static WorkerOptions defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new WorkerOptions(Math.max(4, cores * 2), Math.max(8, cores * 4), Duration.ofSeconds(30), 100, 10,
                512, Duration.ofSeconds(1), Duration.ofSeconds(2), "worker-" + UUID.randomUUID(), null, true, false);
    }

    public WorkerOptions withConcurrency(int orchestrations, int activities) {
        return new WorkerOptions(orchestrations, activities, leaseDuration, maxMessagesPerStep, poisonLimit,
                maxCachedInstances, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withLeaseDuration(Duration lease) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, lease, maxMessagesPerStep,
                poisonLimit, maxCachedInstances, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withPoisonLimit(int limit) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                limit, maxCachedInstances, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withMaxCachedInstances(int count) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                poisonLimit, count, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withWorkerId(String id) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                poisonLimit, maxCachedInstances, maxIdleWait, unwindGrace, id, unknownNameTimeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withUnknownNameTimeout(Duration timeout) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                poisonLimit, maxCachedInstances, maxIdleWait, unwindGrace, workerId, timeout, handOffWork,
                firstStepBeforeStore);
    }

    public WorkerOptions withHandOffWork(boolean handOff) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                poisonLimit, maxCachedInstances, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOff,
                firstStepBeforeStore);
    }

    public WorkerOptions withFirstStepBeforeStore(boolean beforeStore) {
        return new WorkerOptions(orchestrationConcurrency, activityConcurrency, leaseDuration, maxMessagesPerStep,
                poisonLimit, maxCachedInstances, maxIdleWait, unwindGrace, workerId, unknownNameTimeout, handOffWork,
                beforeStore);
    }

    /** The wait before retrying work that failed {@code dequeueCount} times: 100 ms doubling, at most 30 s. */
    Duration backoff(int dequeueCount) {
        long millis = 100L << Math.min(Math.max(dequeueCount - 1, 0), 9);
        return Duration.ofMillis(Math.min(millis, 30_000));
    }
}
