package io.taskhub.core.memory;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.NewInstance;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import io.taskhub.ports.store.TaskHandOff;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The reference {@link OrchestrationStore}: one task hub held in memory, the behaviour every other backend is
 * compared with. One lock guards all data, so every operation is atomic and isolated; conditions on that
 * lock wake waiting workers without polling. All time decisions use the clock given at construction.
 *
 * <p>Where the SPI leaves room, this store decides as follows, and the other backends should match:
 * <ul>
 *   <li>A work item's dequeue count is the highest count among its messages after each was raised by one.</li>
 *   <li>Revisions: a new instance starts above every revision the task hub has given out, so an id that is
 *       purged and created again never repeats one; a replacement and every checkpoint that writes history
 *       or the row add one; a consume-only checkpoint leaves the revision alone.</li>
 *   <li>An expired lease that nobody took over can still be renewed; it can no longer complete.</li>
 *   <li>Abandoning keeps the dequeue counts raised at delivery; the next delivery raises them again.</li>
 *   <li>A start message is visible at its own {@code visibleAt}, else at the start's scheduled time.</li>
 * </ul>
 */
public final class InMemoryStore implements OrchestrationStore {
    /** The work generation a thread saw at its last claim, and when: what "new work" is measured against. */
    private record ClaimMark(long workEpoch, Instant at) {
    }

    private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4; // keeps deadline arithmetic from overflowing

    private final String taskHubName;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workChanged = lock.newCondition();
    private final Condition instanceChanged = lock.newCondition();
    private final ThreadLocal<ClaimMark> lastClaim = new ThreadLocal<>();
    private final HubState state;
    private final Map<String, WorkerRegistration> workers = new HashMap<>();
    /** Counts enqueues and releases, so a waiter can tell whether work arrived since it last looked. */
    private long workEpoch;

    public InMemoryStore(String taskHubName) {
        this(taskHubName, Clock.systemUTC());
    }

    public InMemoryStore(String taskHubName, Clock clock) {
        this.taskHubName = TaskHubNames.validate(taskHubName);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = new HubState(new HubState.Signals() {
            @Override
            public void workChanged() {
                InMemoryStore.this.workChanged();
            }

            @Override
            public void instanceChanged() {
                instanceChanged.signalAll();
            }
        });
    }

    @Override
    public String taskHubName() {
        return taskHubName;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void createTaskHubIfNotExists() {
        // Nothing to create: the maps exist as long as the store does.
    }

    @Override
    public void deleteTaskHub() {
        locked(() -> {
            state.clear();
            workers.clear();
        });
    }

    // ---- the workers of the task hub -------------------------------------------------------------------

    @Override
    public void registerWorker(WorkerRegistration registration) {
        locked(() -> {
            Instant now = now();
            workers.values().removeIf(w -> !w.expiresAt().isAfter(now));
            workers.put(registration.workerId(), registration);
        });
    }

    @Override
    public void unregisterWorker(String workerId) {
        locked(() -> {
            workers.remove(workerId);
        });
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        return locked(() -> {
            Instant now = now();
            return workers.values().stream().filter(w -> w.expiresAt().isAfter(now)).toList();
        });
    }

    // ---- instances and messages ------------------------------------------------------------------------

    @Override
    public void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses) {
        locked(() -> state.createInstance(instanceId, started, replaceableStatuses, now()));
    }

    @Override
    public Optional<OrchestrationWorkItem> createInstanceAndClaim(String instanceId, ExecutionStarted started,
            Set<RuntimeStatus> replaceableStatuses, InstanceClaim claim) {
        Objects.requireNonNull(claim, "claim");
        return locked(() -> state.createInstanceAndClaim(instanceId, started, replaceableStatuses, claim, now()));
    }

    @Override
    public boolean createsWithFirstStep() {
        return true;
    }

    @Override
    public Optional<List<ActivityWorkItem>> createInstanceWithStep(OrchestrationWorkItem created,
            Checkpoint firstStep, TaskHandOff handOff) {
        return locked(() -> state.createWithStep(created, firstStep, handOff, now()));
    }

    @Override
    public void createInstances(List<NewInstance> instances) {
        List<NewInstance> batch = List.copyOf(instances);
        locked(() -> {
            for (NewInstance instance : batch) { // every conflict is found before anything changes
                StoredInstance existing = state.instance(instance.instanceId());
                if (existing != null && !instance.replaceableStatuses().contains(existing.metadata.runtimeStatus())) {
                    throw new InstanceAlreadyExistsException(instance.instanceId(),
                            existing.metadata.runtimeStatus());
                }
            }
            Instant now = now();
            batch.forEach(i -> state.createInstance(i.instanceId(), i.started(), i.replaceableStatuses(), now));
            return null;
        });
    }

    @Override
    public boolean createsBatchesAtomically() {
        return true;
    }

    @Override
    public void sendMessages(List<InstanceMessage> messages) {
        List<InstanceMessage> batch = List.copyOf(messages);
        locked(() -> state.sendMessages(batch, now()));
    }

    @Override
    public boolean reopenForRewind(String instanceId, InstanceMessage rewind) {
        return locked(() -> state.reopenForRewind(instanceId, rewind, now()));
    }

    @Override
    public Optional<InstanceMetadata> getInstance(String instanceId) {
        return locked(() -> Optional.ofNullable(state.instance(instanceId)).map(r -> r.metadata));
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId) {
        return locked(() -> {
            StoredInstance target = state.instance(instanceId);
            return target == null ? List.<HistoryEvent>of() : List.copyOf(target.history);
        });
    }

    @Override
    public InstancePage queryInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return locked(() -> InstanceQueries.page(state.instances(), query));
    }

    @Override
    public Map<RuntimeStatus, Long> countInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return locked(() -> InstanceQueries.count(state.instances(), query));
    }

    // ---- orchestration work items ------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration,
            int maxMessages, NameFilter names) {
        return locked(() -> {
            Instant now = now();
            markClaim(now);
            return state.claim(owner, leaseDuration, maxMessages, names, now);
        });
    }

    @Override
    public Lease renewOrchestrationWorkItem(OrchestrationWorkItem item, Duration leaseDuration) {
        return locked(() -> state.renew(item, leaseDuration, now()));
    }

    @Override
    public void completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint) {
        locked(() -> state.complete(item, checkpoint, null, now()));
    }

    @Override
    public List<ActivityWorkItem> completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff) {
        return locked(() -> state.complete(item, checkpoint, handOff, now()));
    }

    /** The commit and the claim again under one lock: nobody can take the instance in between. */
    @Override
    public StepCommit completeOrchestrationWorkItemAndClaimAgain(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, InstanceClaim again) {
        Objects.requireNonNull(again, "again");
        return locked(() -> {
            Instant now = now();
            List<ActivityWorkItem> handed = state.complete(item, checkpoint, handOff, now);
            return new StepCommit(handed, state.claimInstance(item.instanceId(), again, now));
        });
    }

    @Override
    public void abandonOrchestrationWorkItem(OrchestrationWorkItem item, Duration retryDelay) {
        locked(() -> state.abandon(item, retryDelay, now()));
    }

    @Override
    public void returnOrchestrationWorkItem(OrchestrationWorkItem item) {
        locked(() -> state.giveBack(item, now()));
    }

    // ---- activity work items ------------------------------------------------------------------------------

    @Override
    public Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration, NameFilter names) {
        return locked(() -> {
            Instant now = now();
            markClaim(now);
            return state.activities().claim(owner, leaseDuration, names, now);
        });
    }

    @Override
    public Lease renewActivityWorkItem(ActivityWorkItem item, Duration leaseDuration) {
        return locked(() -> state.activities().renew(item, leaseDuration, now()));
    }

    @Override
    public void completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result) {
        locked(() -> state.completeActivity(item, result, null, now()));
    }

    @Override
    public Optional<OrchestrationWorkItem> completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result,
            InstanceClaim next) {
        Objects.requireNonNull(next, "next");
        return locked(() -> state.completeActivity(item, result, next, now()));
    }

    @Override
    public Optional<List<ActivityWorkItem>> completeActivityWithStep(ActivityWorkItem item, InstanceMessage result,
            long expectedRevision, Checkpoint step, TaskHandOff handOff) {
        return locked(() -> state.completeActivityWithStep(item, result, expectedRevision, step, handOff, now()));
    }

    @Override
    public void abandonActivityWorkItem(ActivityWorkItem item, Duration retryDelay) {
        Leases.requireNotNegative(retryDelay, "retryDelay");
        locked(() -> {
            if (state.activities().abandon(item, retryDelay, now())) {
                workChanged();
            }
        });
    }

    @Override
    public void returnActivityWorkItem(ActivityWorkItem item) {
        locked(() -> {
            if (state.activities().giveBack(item, now())) {
                workChanged();
            }
        });
    }

    @Override
    public Optional<io.taskhub.ports.store.Backlog> backlog() {
        return Optional.of(locked(() -> state.backlog(now())));
    }

    // ---- purge -----------------------------------------------------------------------------------------------

    @Override
    public boolean purgeInstance(String instanceId, Set<RuntimeStatus> allowedStatuses) {
        return locked(() -> state.purge(instanceId, allowedStatuses));
    }

    @Override
    public PurgeResult purgeInstances(PurgeFilter filter, int maxInstances) {
        Objects.requireNonNull(filter, "filter");
        return locked(() -> state.purge(filter, maxInstances));
    }

    // ---- wake-ups ----------------------------------------------------------------------------------------

    /**
     * Waits for work that is new to the calling thread: enqueued or released since the thread's last claim,
     * or becoming visible (a delayed message, a retry delay, an expired lease) after it. Measuring from the
     * last claim rather than from this call closes the gap between an empty claim and the wait, where a
     * wake-up would otherwise be lost. The mark is consumed, so a thread that waits again without claiming
     * in between waits for newer work instead of returning at once.
     */
    @Override
    public void awaitWork(Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos(maxWait);
        lock.lockInterruptibly();
        try {
            ClaimMark mark = lastClaim.get();
            lastClaim.remove();
            long seenEpoch = mark != null ? mark.workEpoch() : workEpoch;
            Instant since = mark != null ? mark.at() : now();
            while (workEpoch == seenEpoch) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                Instant now = now();
                Instant next = state.nextChangeAfter(since);
                if (next != null) {
                    if (!next.isAfter(now)) {
                        return;
                    }
                    remaining = Math.min(remaining, waitNanos(Duration.between(now, next)));
                }
                workChanged.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitInstanceChange(String instanceId, long knownRevision, Duration maxWait)
            throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos(maxWait);
        lock.lockInterruptibly();
        try {
            while (true) {
                StoredInstance target = state.instance(instanceId);
                long remaining = deadline - System.nanoTime();
                if (target == null || target.revision() != knownRevision || remaining <= 0) {
                    return;
                }
                instanceChanged.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private void markClaim(Instant now) {
        lastClaim.set(new ClaimMark(workEpoch, now));
    }

    private void workChanged() {
        workEpoch++;
        workChanged.signalAll();
    }

    private static long waitNanos(Duration wait) {
        Objects.requireNonNull(wait, "maxWait");
        if (wait.isNegative()) {
            return 0;
        }
        return wait.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) > 0 ? MAX_WAIT_NANOS : wait.toNanos();
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
