package io.taskhub.ports.client;

import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.model.StartOutcome;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The driving port: managing the instances of one task hub. Delivery adapters (HTTP, CLI) call only this.
 * Operations that change an instance are asynchronous: they are accepted here and take effect when a worker
 * processes them, in order with the instance's execution. Every method throws
 * {@link InvalidArgumentException} for bad arguments, before changing anything.
 */
public interface TaskhubClient {
    String taskHub();

    /**
     * Starts an instance; returns its id.
     *
     * @throws InvalidArgumentException       unknown orchestrator, invalid id, invalid JSON input
     * @throws InstanceAlreadyExistsException the id is in use by an active instance (reuse policy allowing)
     */
    String startNew(StartInstanceRequest request);

    /** The most items one batch start takes. */
    int MAX_BATCH = 1000;

    /**
     * Starts up to {@link #MAX_BATCH} instances (Durable Functions' start messages, batched). Every item is checked
     * before anything starts.
     *
     * @param partial false: all or nothing, any invalid item (or a conflict, on a backend that creates batches in
     *                one transaction) refuses the batch with {@link io.taskhub.ports.errors.BatchStartException}
     *                listing every item's error; true: valid items start, the others are reported
     * @return one outcome per item, in order
     */
    List<StartOutcome> startNewBatch(List<StartInstanceRequest> requests, boolean partial);

    /** {@link #startNewBatch(List, boolean)}, all or nothing. */
    default List<StartOutcome> startNewBatch(List<StartInstanceRequest> requests) {
        return startNewBatch(requests, false);
    }

    /** The instance, or empty when there is none. */
    Optional<InstanceStatus> getStatus(String instanceId, StatusOptions options);

    /** One page of instances matching the query, ordered by created time then id. */
    InstancePage list(InstanceQuery query);

    /** How many instances match the query, per runtime status (paging fields are ignored). */
    Map<RuntimeStatus, Long> countByStatus(InstanceQuery query);

    /** The task hub's workers that are running now, each with the names it runs (from their announcements). */
    List<WorkerRegistration> liveWorkers();

    /**
     * Delivers an external event (payload a JSON text or null); buffered until the instance waits for it.
     *
     * @throws InstanceNotFoundException
     * @throws IllegalInstanceStateException GONE when the instance has finished
     */
    void raiseEvent(String instanceId, String eventName, String payload);

    /**
     * @param recursive also terminate the instance's running sub-orchestrations
     * @throws InstanceNotFoundException
     * @throws IllegalInstanceStateException GONE when the instance has finished
     */
    void terminate(String instanceId, String reason, boolean recursive);

    /** @throws IllegalInstanceStateException GONE when finished, CONFLICT when already suspended */
    void suspend(String instanceId, String reason);

    /** @throws IllegalInstanceStateException GONE when finished, CONFLICT when not suspended */
    void resume(String instanceId, String reason);

    /**
     * Takes a Failed instance back to Running, re-running only what failed (recursively into failed
     * sub-orchestrations) and keeping every successful result.
     *
     * @throws IllegalInstanceStateException PRECONDITION_FAILED when the instance is not Failed
     */
    void rewind(String instanceId, String reason);

    /**
     * Starts the instance's orchestrator again with its original input; returns the started instance's id.
     *
     * @param newInstanceId true: under a new generated id; false: replacing the instance (which must be finished)
     * @throws InstanceNotFoundException
     * @throws InstanceAlreadyExistsException when replacing an instance that is still active
     */
    String restart(String instanceId, boolean newInstanceId);

    /**
     * Deletes a finished instance with its history.
     *
     * @param recursive also purge its (finished) sub-orchestrations
     * @throws InstanceNotFoundException
     * @throws IllegalInstanceStateException CONFLICT when the instance has not finished
     */
    PurgeResult purge(String instanceId, boolean recursive);

    /**
     * Deletes finished instances matching the filter, in chunks, until done or {@code timeBudget} is spent;
     * an incomplete result is continued by calling again.
     */
    PurgeResult purge(PurgeFilter filter, Duration timeBudget);

    /**
     * Waits until the instance is terminal or {@code timeout} passes, woken by the instance's checkpoints (not
     * by a sleep loop); returns the latest metadata, terminal or not, or empty when the instance does not exist.
     */
    Optional<InstanceMetadata> waitForCompletion(String instanceId, Duration timeout);

    /** Waits until the instance has started (left Pending) or {@code timeout} passes. */
    Optional<InstanceMetadata> waitForStart(String instanceId, Duration timeout);

    /** Deletes every instance, message and history of this task hub. */
    void deleteTaskHub();
}
