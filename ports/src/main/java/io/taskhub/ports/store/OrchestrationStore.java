package io.taskhub.ports.store;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The driven port: storage for one task hub. Backends store and fetch; they never decide whether an
 * operation is legal (callers pass the conditions, such as which statuses may be replaced or purged, and the
 * store applies them atomically). Every method may also throw {@link StorageException} when the backend
 * fails; such calls may be retried.
 *
 * <p>Thread safety: every method may be called concurrently from many threads and many processes.
 */
public interface OrchestrationStore {

    String taskHubName();

    /** Creates the task hub's tables, queues or rows if they do not exist; idempotent. */
    void createTaskHubIfNotExists();

    /** Deletes every instance, history event, message and task of this task hub; idempotent. */
    void deleteTaskHub();

    // ---- instances and messages ------------------------------------------------------------------------

    /**
     * Creates instance {@code instanceId} in status Pending from {@code started} and enqueues {@code started}
     * as its first message (visible at {@code started.scheduledStartAt()} when set), atomically. When an
     * instance with that id exists and its status is in {@code replaceableStatuses}, it is replaced: its
     * history, inbox and activity tasks are deleted and it starts over as a new execution.
     *
     * @throws InstanceAlreadyExistsException an instance exists and its status is not replaceable
     */
    void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses);

    /**
     * Creates several instances as {@link #createInstance} does, with distinct ids. A backend that can make it
     * one transaction does so and says {@link #createsBatchesAtomically()}: then either every instance is created
     * or, on the first conflict, none. Otherwise they are created one after the other, and a conflict leaves the
     * ones before it created.
     *
     * @throws InstanceAlreadyExistsException naming the first id whose instance exists and is not replaceable
     */
    default void createInstances(List<NewInstance> instances) {
        for (NewInstance instance : instances) {
            createInstance(instance.instanceId(), instance.started(), instance.replaceableStatuses());
        }
    }

    /**
     * Creates the instance as {@link #createInstance} does and, in the same transaction, hands it to the caller:
     * when no instance had that id, its start is visible now and {@code claim.names()} accepts its orchestrator,
     * the instance is stored already held by {@code claim.owner()} for {@code claim.leaseDuration()}, its start
     * message taken (dequeue count 1, as if claimed at the creation), and returned as the claimed work item, so the
     * caller runs its first step without a claim or a wake-up. Nobody else sees the start until that lease runs
     * out, as with any claim. Otherwise (the id existed and was replaced, a scheduled start, another name) the
     * instance is created for claiming and the result is empty; a store that cannot hand starts over always does
     * that, which is always correct.
     *
     * @throws InstanceAlreadyExistsException as {@link #createInstance} does; then nothing was stored
     */
    default Optional<OrchestrationWorkItem> createInstanceAndClaim(String instanceId, ExecutionStarted started,
            Set<RuntimeStatus> replaceableStatuses, InstanceClaim claim) {
        createInstance(instanceId, started, replaceableStatuses);
        return Optional.empty();
    }

    /**
     * Whether {@link #createInstanceWithStep} stores a new instance together with its first step; a store that
     * cannot answers false, and its instances are created, then their first step committed, as before.
     */
    default boolean createsWithFirstStep() {
        return false;
    }

    /**
     * Creates a new instance with its first step already taken, in one transaction, when no instance has its id:
     * the row as {@code firstStep} leaves it (its revision {@code created.instance().revision() + 1}), the step's
     * history (replacing the history or appending to it is the same here), its activity tasks (those {@code handOff} takes stored leased to the caller, as
     * {@link #completeOrchestrationWorkItem(OrchestrationWorkItem, Checkpoint, TaskHandOff)} stores them) and its
     * messages. Its start is never stored as a message: nothing is left to claim for it. Where an instance has the
     * id, nothing is stored and the result is empty: the caller then creates the instance as usual, and the start
     * rules decide.
     *
     * <p>The caller ran the step before anything was stored, so a start is acknowledged once the instance exists
     * with its first step; a caller that dies first leaves nothing behind.
     *
     * @param created the instance's work item as {@link #createInstanceAndClaim} would return it, but not stored:
     *                its instance Pending at a revision the caller chose, its one message the start
     * @return the activity tasks handed to the caller, in the step's order; empty when the id exists
     * @throws UnsupportedOperationException when {@link #createsWithFirstStep} is false
     */
    default Optional<List<ActivityWorkItem>> createInstanceWithStep(OrchestrationWorkItem created, Checkpoint firstStep,
            TaskHandOff handOff) {
        throw new UnsupportedOperationException("This store creates instances before their first step");
    }

    /** Whether {@link #createInstances} is all or nothing. */
    default boolean createsBatchesAtomically() {
        return false;
    }

    /**
     * Appends messages to instances' inboxes, atomically. A start message for an instance that does not exist
     * creates it as in {@link #createInstance}; for an existing instance it is enqueued when its execution id
     * is the instance's current one, replaces the instance when the instance is terminal, and is dropped
     * otherwise.
     *
     * @throws InstanceNotFoundException a non-start message names an instance that does not exist (nothing
     *                                   is enqueued)
     */
    void sendMessages(List<InstanceMessage> messages);

    /**
     * Accepts a rewind of a Failed instance: stores {@code rewind} (a message to the instance) and reopens the
     * instance in one step, so that no read after the rewind was accepted reports the ended execution's Failed
     * state. The reopened row reads Pending, its output and failure cleared, its completion time kept (the mark
     * of an instance awaiting its rewind), its revision and last-updated time moved on. While a worker holds the
     * instance (recording a late result), the rewind is stored alone: the instance reopens when it runs.
     *
     * @return false when the instance is not Failed (nothing is stored)
     * @throws InstanceNotFoundException when there is no such instance
     */
    boolean reopenForRewind(String instanceId, InstanceMessage rewind);

    /** The instance's metadata, or empty. */
    Optional<InstanceMetadata> getInstance(String instanceId);

    /**
     * The current execution's history in order, or an empty list when the instance does not exist.
     *
     * <p>Consistency with {@link #getInstance}: every commit that changes the row raises its revision, and on the
     * SQL stores a step's history and row are committed together; so a history read between two reads of the same
     * revision belongs to that revision, and the client reads a status with history that way (retrying
     * otherwise). Azure Storage commits the history first and the row right after (the next claim repairs a row
     * left behind): there a status read in between may lag its history by that one step.
     */
    List<HistoryEvent> getHistory(String instanceId);

    /**
     * One page of instances matching {@code query}, ordered by created time then instance id. Input, output
     * and custom status are left null unless {@code query.fetchInputsAndOutputs()}. The continuation token
     * is opaque, and paging with it neither skips nor repeats instances that existed when paging began.
     */
    InstancePage queryInstances(InstanceQuery query);

    /** Counts the instances matching {@code query} (paging fields ignored) per runtime status. */
    Map<RuntimeStatus, Long> countInstances(InstanceQuery query);

    // ---- orchestration work items ------------------------------------------------------------------------

    /**
     * Claims the instance whose oldest visible message is the oldest among unlocked instances, locking it
     * until {@code leaseDuration} from now, and returns up to {@code maxMessages} of its visible messages in
     * arrival order. Never blocks; empty when nothing is ready. Two callers never hold the same instance.
     */
    default Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration,
            int maxMessages) {
        return claimOrchestrationWorkItem(owner, leaseDuration, maxMessages, NameFilter.ANY);
    }

    /**
     * The same, for instances whose orchestrator name {@code names} accepts only: a worker never gets work it
     * cannot run, so it never fails work for a name it lacks. An instance of another name is passed over, its
     * messages' dequeue count untouched, for a worker that has it (on a store that
     * {@link #bindsInstancesToPartitions()}, for the next owner of its partition that has it).
     */
    Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration, int maxMessages,
            NameFilter names);

    /**
     * Whether each instance's messages can be claimed only by the worker that owns its partition (Azure Storage's
     * control queues). There, an instance whose name that owner does not run waits until the partition moves
     * (its owner stops, or partitions are rebalanced), rather than going to any worker that has the name.
     */
    default boolean bindsInstancesToPartitions() {
        return false;
    }

    // ---- the workers of the task hub ----------------------------------------------------------------------------

    /**
     * Announces a worker and the names it runs, or renews its announcement (same worker id), until
     * {@code registration.expiresAt()}. Expired announcements may be removed by any call.
     */
    void registerWorker(WorkerRegistration registration);

    /** Withdraws a worker's announcement (it stops); nothing happens when there is none. */
    void unregisterWorker(String workerId);

    /** The announcements that have not expired ({@link #now()} before their expiry), in no particular order. */
    List<WorkerRegistration> liveWorkers();

    /**
     * Extends the lease.
     *
     * @throws LockLostException the lease expired and was claimed by another, or the instance was replaced
     */
    Lease renewOrchestrationWorkItem(OrchestrationWorkItem item, Duration leaseDuration);

    /**
     * Commits one orchestration step atomically: appends (or replaces) history, writes the instance row,
     * schedules activity tasks, sends messages as {@link #sendMessages} does (except that messages to missing
     * instances are dropped), deletes the work item's messages and releases the lock. Messages that arrived
     * after the claim stay in the inbox.
     *
     * @throws LockLostException the lease expired or is held by someone else; nothing was changed
     */
    void completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint);

    /**
     * Commits the step as {@link #completeOrchestrationWorkItem(OrchestrationWorkItem, Checkpoint)} does, and
     * hands the first {@code handOff.maxTasks()} of its activity tasks whose names {@code handOff.names()} accepts
     * to the caller: they are stored leased to
     * {@code handOff.owner()} (dequeue count 1, as if claimed at the commit) and returned as claimed work items in
     * the checkpoint's order; the rest are stored for any worker to claim. A store that cannot do this stores them
     * all for claiming and returns an empty list, which is always correct. A null {@code handOff} takes none.
     *
     * @throws LockLostException as the step's commit does; then nothing is handed to the caller and no task is held
     *                           for it (a store that sends a step's messages before its commit point leaves the
     *                           tasks it sent to be claimed, as with any step it could not commit)
     */
    default List<ActivityWorkItem> completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff) {
        completeOrchestrationWorkItem(item, checkpoint);
        return List.of();
    }

    /**
     * Commits the step as {@link #completeOrchestrationWorkItem(OrchestrationWorkItem, Checkpoint, TaskHandOff)}
     * does, then makes {@code again}, the claim of the same instance: its next work item is returned when messages of
     * it are visible (ones that arrived during the step), nobody else took it meanwhile and {@code again.names()}
     * accepts its orchestrator; empty otherwise. A worker asks this after a step that took several messages (a
     * fan-in's results): the rest follow at once, rather than after the instance was announced to every waiting
     * worker and claimed by a search of the inbox. A store makes the claim in the step's own transaction (a
     * failure of either then fails both, and the step is retried as after any failed commit) or right after the
     * step's commit point (a failure to make the claim then changes nothing the step committed, and the instance is
     * left to any claim, as after a commit without it). A store that cannot do this commits and claims nothing.
     *
     * @throws LockLostException as the step's commit does (nothing committed, nothing claimed)
     */
    default StepCommit completeOrchestrationWorkItemAndClaimAgain(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, InstanceClaim again) {
        return StepCommit.of(completeOrchestrationWorkItem(item, checkpoint, handOff));
    }

    /**
     * Releases the lock without consuming the messages; they become visible again after {@code retryDelay}
     * with their dequeue count raised. A lost lease is ignored.
     */
    void abandonOrchestrationWorkItem(OrchestrationWorkItem item, Duration retryDelay);

    /**
     * Gives back a work item its worker did not start: the lock is released, the messages are visible again at
     * once, and this claim does not count as an attempt (their dequeue counts are what they were before it). A
     * worker that is about to run work suspected of crashing processes gives back what it holds meanwhile, so that
     * a crash counts against the suspect only. A lost lease is ignored.
     */
    void returnOrchestrationWorkItem(OrchestrationWorkItem item);

    // ---- activity work items ------------------------------------------------------------------------------

    /** Claims the oldest visible activity task; never blocks; empty when none. */
    default Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration) {
        return claimActivityWorkItem(owner, leaseDuration, NameFilter.ANY);
    }

    /**
     * The same, for tasks whose activity name {@code names} accepts only; a task of another name is left (its
     * dequeue count untouched) for a worker that has it.
     */
    Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration, NameFilter names);

    /** @throws LockLostException the lease expired and was claimed by another, or the task is gone */
    Lease renewActivityWorkItem(ActivityWorkItem item, Duration leaseDuration);

    /**
     * Deletes the task and enqueues {@code result} (a TaskCompleted or TaskFailed message), atomically. A
     * result for an instance that no longer exists is dropped.
     *
     * @throws LockLostException the lease expired or is held by someone else; nothing was changed
     */
    void completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result);

    /**
     * Completes the activity as {@link #completeActivityWorkItem(ActivityWorkItem, InstanceMessage)} does and, in
     * the same transaction, makes {@code next}, the claim of the result's instance: returned when nobody held the
     * instance and its orchestrator is accepted, empty otherwise (the result then waits in the inbox for any
     * claim, as it would without this). A store that cannot do this completes the activity and returns empty.
     *
     * @throws LockLostException as the completion does; then nothing was stored or claimed
     */
    default Optional<OrchestrationWorkItem> completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result,
            InstanceClaim next) {
        completeActivityWorkItem(item, result);
        return Optional.empty();
    }

    /**
     * Completes the activity as {@link #completeActivityWorkItem(ActivityWorkItem, InstanceMessage)} does and, in
     * the same transaction, makes {@code next}, the claim of another activity task: returned when one was there to
     * claim, empty otherwise. A store that cannot do this completes the activity and returns empty (the worker
     * then claims as usual).
     *
     * @throws LockLostException as the completion does; then nothing was stored or claimed
     */
    default Optional<ActivityWorkItem> completeActivityAndClaimNext(ActivityWorkItem item, InstanceMessage result,
            ActivityClaim next) {
        completeActivityWorkItem(item, result);
        return Optional.empty();
    }

    /** Makes the task visible again after {@code retryDelay}; a lost lease is ignored. */
    void abandonActivityWorkItem(ActivityWorkItem item, Duration retryDelay);

    /**
     * Gives back a task its worker did not start, visible again at once, without this claim counting as an attempt
     * (see {@link #returnOrchestrationWorkItem}). A lost lease is ignored.
     */
    void returnActivityWorkItem(ActivityWorkItem item);
    /**
     * Commits an activity's result together with the step it brings, in one transaction: the caller computed
     * {@code step} from its own state of the result's instance at revision {@code expectedRevision}, as if it had
     * claimed the instance with {@code result} as its only message. The task is deleted (fenced by its lease) and
     * the step is committed as {@link #completeOrchestrationWorkItem(OrchestrationWorkItem, Checkpoint, TaskHandOff)}
     * would, the result itself never entering the inbox. The store declines (returns empty, nothing changed) unless
     * nobody holds the instance, its revision is still {@code expectedRevision} and it has no visible message; the
     * caller then takes the usual way ({@link #completeActivityWorkItem(ActivityWorkItem, InstanceMessage,
     * InstanceClaim)}). A store that cannot do this always declines.
     *
     * @param handOff the step's tasks to hand to the caller, or null for none
     * @return the tasks handed to the caller, when committed
     * @throws LockLostException the activity's lease was lost; nothing was changed
     */
    default Optional<List<ActivityWorkItem>> completeActivityWithStep(ActivityWorkItem item, InstanceMessage result,
            long expectedRevision, Checkpoint step, TaskHandOff handOff) {
        return Optional.empty();
    }


    // ---- backlog -----------------------------------------------------------------------------------------------

    /**
     * The work waiting in this task hub now (for operators' metrics); empty when the backend cannot tell cheaply.
     */
    default Optional<Backlog> backlog() {
        return Optional.empty();
    }

    // ---- purge -----------------------------------------------------------------------------------------------

    /**
     * Deletes the instance with its history, inbox and tasks, if its status is in {@code allowedStatuses}.
     *
     * @return false when the instance does not exist or its status is not allowed (nothing deleted)
     */
    boolean purgeInstance(String instanceId, Set<RuntimeStatus> allowedStatuses);

    /**
     * Deletes up to {@code maxInstances} instances matching the filter, with their history, inboxes and
     * tasks. {@code isComplete} is false when more matching instances may remain.
     */
    PurgeResult purgeInstances(PurgeFilter filter, int maxInstances);

    // ---- wake-ups ----------------------------------------------------------------------------------------

    /**
     * Returns when new work may be ready (a message or task was enqueued or became visible) or after
     * {@code maxWait}. Backends with notifications return promptly; the fallback is a sleep.
     */
    void awaitWork(Duration maxWait) throws InterruptedException;

    /**
     * Returns when instance {@code instanceId}'s revision may differ from {@code knownRevision} (at once if it
     * already does, or the instance does not exist) or after {@code maxWait}.
     */
    void awaitInstanceChange(String instanceId, long knownRevision, Duration maxWait) throws InterruptedException;

    /** The store's clock; all lease and visibility decisions use it. */
    default Instant now() {
        return Instant.now();
    }
}
