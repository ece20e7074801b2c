package io.taskhub.core.client;

import io.taskhub.core.engine.StartHandOff;
import io.taskhub.core.lifecycle.InstanceLifecycle;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.core.telemetry.TraceSpan;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.StartOutcome;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.BatchStartException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.rules.InstanceIds;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.StorableText;
import io.taskhub.ports.rules.TraceParents;
import io.taskhub.ports.rules.SupportedTimes;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NewInstance;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The instance-management client, written once over the storage SPI for every backend: it validates input,
 * applies the lifecycle table, and turns each operation into stored messages that workers process in order.
 */
public final class DefaultTaskhubClient implements TaskhubClient {
    static final int PURGE_CHUNK = 500;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** Reads of a status with history that may be retried while steps keep changing the instance. */
    private static final int CONSISTENT_READ_ATTEMPTS = 10;

    /** Runs the storage's part of a start, so that the caller can stop waiting for it (see startTimeout). */
    private static final ExecutorService STARTS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "taskhub-start");
        thread.setDaemon(true);
        return thread;
    });

    private final OrchestrationStore store;
    private final OrchestrationRegistry registry;
    private final Duration startTimeout;
    private final WorkerDirectory workers;
    private volatile EngineTracing tracing = EngineTracing.NONE;
    private volatile StartHandOff startHandOff = StartHandOff.NONE;

    /** @param registry the known orchestrators, used to refuse unknown names at start; null accepts any name */
    public DefaultTaskhubClient(OrchestrationStore store, OrchestrationRegistry registry) {
        this(store, registry, DEFAULT_START_TIMEOUT);
    }

    /**
     * @param startTimeout how long a start waits for the storage to acknowledge it before failing with
     *                     {@link StartTimeoutException} (the start may still be stored later)
     */
    public DefaultTaskhubClient(OrchestrationStore store, OrchestrationRegistry registry, Duration startTimeout) {
        this.store = store;
        this.registry = registry;
        this.workers = new WorkerDirectory(store);
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new InvalidArgumentException("The start timeout must be positive, was " + startTimeout + ".");
        }
        this.startTimeout = startTimeout;
    }

    /** Where the spans of the instances this client creates go (see {@link EngineTracing}). */
    public DefaultTaskhubClient traceTo(EngineTracing target) {
        this.tracing = java.util.Objects.requireNonNull(target, "target");
        return this;
    }

    /**
     * Where this client's starts go when that worker can take them (a worker of the same task hub in this process):
     * see {@link StartHandOff}; {@link StartHandOff#NONE} stores every start for claiming.
     */
    public DefaultTaskhubClient handStartsTo(StartHandOff handOff) {
        this.startHandOff = java.util.Objects.requireNonNull(handOff, "handOff");
        return this;
    }

    @Override
    public String taskHub() {
        return store.taskHubName();
    }

    @Override
    public String startNew(StartInstanceRequest request) {
        NewInstance prepared = prepare(request);
        try (TraceSpan span = creationSpan(prepared, request)) {
            NewInstance start = traced(prepared, span);
            try {
                acknowledged(start.instanceId(), () -> create(start));
            } catch (RuntimeException e) {
                span.failed(e.getMessage());
                throw e;
            }
            return start.instanceId();
        }
    }

    /**
     * Stores the start, handed to this process's worker when it can take it now. The hand-off is decided here, on
     * the storage's thread, so that a caller that stops waiting (the start timeout) leaves no place reserved.
     */
    private void create(NewInstance start) {
        StartHandOff handOff = startHandOff;
        ExecutionStarted started = start.started();
        InstanceClaim claim = started.scheduledStartAt() == null ? handOff.reserve(started.name()) : null;
        if (claim == null) {
            store.createInstance(start.instanceId(), started, start.replaceableStatuses());
            return;
        }
        boolean storedWithStep;
        try {
            storedWithStep = handOff.createWithFirstStep(start.instanceId(), started);
        } catch (RuntimeException | Error e) {
            handOff.release();
            throw e;
        }
        if (storedWithStep) {
            return;
        }
        Optional<OrchestrationWorkItem> created;
        try {
            created = store.createInstanceAndClaim(start.instanceId(), started, start.replaceableStatuses(), claim);
        } catch (RuntimeException | Error e) {
            handOff.release();
            throw e;
        }
        if (created.isPresent()) {
            handOff.run(created.get());
        } else {
            handOff.release();
        }
    }

    private TraceSpan creationSpan(NewInstance start, StartInstanceRequest request) {
        return tracing.creation(start.started().name(), start.instanceId(),
                TraceParents.validOrNull(request.traceParent()));
    }

    /** The start, carrying the context of its creation's span: its steps' spans are that span's children. */
    private static NewInstance traced(NewInstance start, TraceSpan creation) {
        return new NewInstance(start.instanceId(), start.started().withTraceParent(creation.traceParent()),
                start.replaceableStatuses());
    }

    /** Checks a start request and makes the instance it creates; nothing is stored yet. */
    private NewInstance prepare(StartInstanceRequest request) {
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException("An orchestrator name is required.");
        }
        StorableText.require("name", name);
        StorableText.require("version", request.version());
        SupportedTimes.requireStorable("startAt", request.startAt());
        request.tags().forEach((key, value) -> {
            StorableText.require("tag name", key);
            StorableText.require("tag " + key, value);
        });
        if (registry != null) {
            // Known here, or to a running worker of the task hub (a plugin this process does not load).
            name = registry.canonicalOrchestratorName(name).or(() -> workers.canonicalOrchestratorName(request.name()))
                    .orElseThrow(() -> new InvalidArgumentException("No orchestrator named '" + request.name()
                            + "' is registered here or with any running worker of task hub " + store.taskHubName()
                            + ". Known orchestrators: " + knownOrchestrators() + "."));
        }
        String instanceId = request.instanceId() == null ? InstanceIds.newId()
                : InstanceIds.validate(request.instanceId());
        String input = JsonCodec.requireValidJson(request.input());
        ExecutionStarted started = new ExecutionStarted(store.now(), name, request.version(), input,
                InstanceIds.newId(), null, request.startAt(), request.tags());
        return new NewInstance(instanceId, started, InstanceLifecycle.replaceableStatuses(request.reusePolicy()));
    }

    @Override
    public List<StartOutcome> startNewBatch(List<StartInstanceRequest> requests, boolean partial) {
        if (requests == null || requests.isEmpty() || requests.size() > MAX_BATCH) {
            throw new InvalidArgumentException("A batch start takes 1 to " + MAX_BATCH + " items, got "
                    + (requests == null ? 0 : requests.size()) + ".");
        }
        List<TraceSpan> spans = new ArrayList<>();
        try {
            return startBatch(requests, partial, spans);
        } finally {
            spans.forEach(TraceSpan::close);
        }
    }

    private List<StartOutcome> startBatch(List<StartInstanceRequest> requests, boolean partial,
            List<TraceSpan> spans) {
        StartOutcome[] outcomes = new StartOutcome[requests.size()];
        Map<Integer, NewInstance> valid = new LinkedHashMap<>();
        Map<String, Integer> firstWithId = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                NewInstance prepared = prepare(requests.get(i));
                Integer earlier = firstWithId.putIfAbsent(prepared.instanceId(), i);
                if (earlier != null) {
                    throw new InvalidArgumentException("Instance id '" + prepared.instanceId() + "' is also item "
                            + earlier + " of the batch.");
                }
                TraceSpan span = creationSpan(prepared, requests.get(i));
                spans.add(span);
                valid.put(i, traced(prepared, span));
            } catch (InvalidArgumentException e) {
                outcomes[i] = StartOutcome.refused(i, e.getMessage());
            }
        }
        if (!partial && valid.size() < requests.size()) {
            throw refusedBatch(outcomes);
        }
        while (!valid.isEmpty()) {
            List<NewInstance> batch = List.copyOf(valid.values());
            try {
                acknowledged(batch.get(0).instanceId(), () -> createAll(batch));
                valid.forEach((i, start) -> outcomes[i] = StartOutcome.started(i, start.instanceId()));
                break;
            } catch (BatchConflict conflict) {
                int index = firstWithId.get(conflict.cause.instanceId());
                outcomes[index] = StartOutcome.refused(index, "Instance '" + conflict.cause.instanceId() + "': "
                        + conflict.cause.getMessage());
                valid.remove(index);
                conflict.created.forEach(id -> {
                    int i = firstWithId.get(id);
                    outcomes[i] = StartOutcome.started(i, id);
                    valid.remove(i);
                });
                if (!partial) {
                    throw refusedBatch(outcomes);
                }
            }
        }
        return List.of(outcomes);
    }

    /** A conflict in a batch, and what was created before it when the store does not create batches atomically. */
    private static final class BatchConflict extends RuntimeException {
        private final transient InstanceAlreadyExistsException cause;
        private final List<String> created;

        BatchConflict(InstanceAlreadyExistsException cause, List<String> created) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
            this.created = created;
        }
    }

    private void createAll(List<NewInstance> batch) {
        if (store.createsBatchesAtomically()) {
            try {
                store.createInstances(batch);
            } catch (InstanceAlreadyExistsException e) {
                throw new BatchConflict(e, List.of()); // nothing of the batch was stored
            }
            return;
        }
        List<String> created = new ArrayList<>();
        for (NewInstance start : batch) {
            try {
                store.createInstance(start.instanceId(), start.started(), start.replaceableStatuses());
            } catch (InstanceAlreadyExistsException e) {
                throw new BatchConflict(e, created);
            }
            created.add(start.instanceId());
        }
    }

    private static BatchStartException refusedBatch(StartOutcome[] outcomes) {
        List<StartOutcome> all = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            all.add(outcomes[i] != null ? outcomes[i] : StartOutcome.refused(i, BatchStartException.NOT_STARTED));
        }
        return new BatchStartException(all);
    }

    /**
     * Waits for the storage to acknowledge a start for at most the start timeout. A late acknowledgement still
     * lands; a retry with the same id then finds the instance (the start rule decides), so no second one is made.
     */
    private void acknowledged(String instanceId, Runnable write) {
        Future<?> stored = STARTS.submit(write);
        try {
            stored.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new StartTimeoutException(instanceId, startTimeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("The start of " + instanceId + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartTimeoutException(instanceId, startTimeout);
        }
    }

    @Override
    public Optional<InstanceStatus> getStatus(String instanceId, StatusOptions options) {
        InstanceIds.validateLookup(instanceId);
        Optional<InstanceMetadata> read = store.getInstance(instanceId);
        List<HistoryEvent> history = null;
        if (options.showHistory()) {
            // The row and the history are two reads: a step committed in between would pair a status with a
            // history of another revision. Read the row again and retry until it did not change (a store commits a
            // step's history with or before its row).
            for (int attempt = 0; read.isPresent(); attempt++) {
                history = store.getHistory(instanceId);
                Optional<InstanceMetadata> again = store.getInstance(instanceId);
                boolean unchanged = again.isPresent() && again.get().revision() == read.get().revision();
                read = again;
                if (unchanged || attempt >= CONSISTENT_READ_ATTEMPTS) {
                    break;
                }
            }
        }
        List<HistoryEvent> events = history;
        return read.map(metadata -> new InstanceStatus(options.showInput() ? metadata
                : metadata.toBuilder().input(null).build(), events, unservedOrNothing(metadata, events)));
    }

    /** What no live worker runs; an extra of the status, so a failure to read the workers leaves it out. */
    private List<FunctionCatalog.Function> unservedOrNothing(InstanceMetadata metadata, List<HistoryEvent> history) {
        try {
            return workers.unserved(metadata, history);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private Set<String> knownOrchestrators() {
        Set<String> known = new TreeSet<>(registry.orchestratorNames());
        workers.live().forEach(w -> known.addAll(w.orchestrators()));
        return known;
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        return store.liveWorkers();
    }

    @Override
    public InstancePage list(InstanceQuery query) {
        return store.queryInstances(query);
    }

    @Override
    public Map<RuntimeStatus, Long> countByStatus(InstanceQuery query) {
        return store.countInstances(query);
    }

    /** Checked in Durable Functions' order: a missing instance (404), then a finished one (410), then the event. */
    @Override
    public void raiseEvent(String instanceId, String eventName, String payload) {
        InstanceMetadata instance = existing(instanceId);
        InstanceLifecycle.check(instanceId, ManagementOperation.RAISE_EVENT, instance.runtimeStatus());
        if (eventName == null || eventName.isBlank()) {
            throw new InvalidArgumentException("An event name is required.");
        }
        StorableText.require("eventName", eventName);
        String json = JsonCodec.requireValidJson(payload);
        store.sendMessages(List.of(InstanceMessage.of(instanceId, new EventRaised(store.now(), eventName, json))));
    }

    @Override
    public void terminate(String instanceId, String reason, boolean recursive) {
        StorableText.require("reason", reason);
        send(instanceId, ManagementOperation.TERMINATE, new ExecutionTerminated(store.now(), reason, recursive));
    }

    @Override
    public void suspend(String instanceId, String reason) {
        StorableText.require("reason", reason);
        send(instanceId, ManagementOperation.SUSPEND, new ExecutionSuspended(store.now(), reason));
    }

    @Override
    public void resume(String instanceId, String reason) {
        StorableText.require("reason", reason);
        send(instanceId, ManagementOperation.RESUME, new ExecutionResumed(store.now(), reason));
    }

    @Override
    public void rewind(String instanceId, String reason) {
        StorableText.require("reason", reason);
        InstanceMetadata instance = existing(instanceId);
        InstanceLifecycle.check(instanceId, ManagementOperation.REWIND, instance.runtimeStatus());
        // Stored with the instance reopened, so that no later read or wait sees the old Failed state.
        if (!store.reopenForRewind(instanceId, InstanceMessage.of(instanceId,
                new ExecutionRewound(store.now(), reason)))) {
            InstanceLifecycle.check(instanceId, ManagementOperation.REWIND, existing(instanceId).runtimeStatus());
            throw new IllegalStateException("Instance " + instanceId + " could not be reopened for its rewind.");
        }
    }

    private void send(String instanceId, ManagementOperation operation, HistoryEvent event) {
        InstanceMetadata instance = existing(instanceId);
        InstanceLifecycle.check(instanceId, operation, instance.runtimeStatus());
        store.sendMessages(List.of(InstanceMessage.of(instanceId, event)));
    }

    @Override
    public String restart(String instanceId, boolean newInstanceId) {
        InstanceMetadata instance = existing(instanceId);
        if (!newInstanceId) {
            InstanceLifecycle.check(instanceId, ManagementOperation.RESTART, instance.runtimeStatus());
        }
        StartInstanceRequest again = new StartInstanceRequest(instance.name(), instance.input(),
                newInstanceId ? null : instanceId, null, instance.version(), null, instance.tags());
        return startNew(again);
    }

    @Override
    public PurgeResult purge(String instanceId, boolean recursive) {
        InstanceMetadata instance = existing(instanceId);
        InstanceLifecycle.check(instanceId, ManagementOperation.PURGE, instance.runtimeStatus());
        int deleted = 0;
        if (recursive) {
            deleted += purgeFinishedChildren(instanceId);
        }
        if (store.purgeInstance(instanceId, InstanceLifecycle.purgeableStatuses())) {
            return new PurgeResult(deleted + 1, true);
        }
        // It changed between the check and the delete: report what it is now.
        InstanceMetadata now = existing(instanceId);
        InstanceLifecycle.check(instanceId, ManagementOperation.PURGE, now.runtimeStatus());
        throw new IllegalStateException("purge of " + instanceId + " was refused by the store");
    }

    private int purgeFinishedChildren(String parentId) {
        int deleted = 0;
        String token = null;
        do {
            InstancePage page = store.queryInstances(InstanceQuery.builder().parentInstanceId(parentId)
                    .fetchInputsAndOutputs(false).pageSize(InstanceQuery.MAX_PAGE_SIZE).continuationToken(token)
                    .build());
            for (InstanceMetadata child : page.instances()) {
                deleted += purgeFinishedChildren(child.instanceId());
                if (store.purgeInstance(child.instanceId(), InstanceLifecycle.purgeableStatuses())) {
                    deleted++;
                }
            }
            token = page.continuationToken();
        } while (token != null);
        return deleted;
    }

    @Override
    public PurgeResult purge(PurgeFilter filter, Duration timeBudget) {
        Set<RuntimeStatus> statuses = EnumSet.copyOf(InstanceLifecycle.purgeableStatuses());
        statuses.retainAll(filter.statuses());
        if (statuses.isEmpty()) {
            return PurgeResult.NONE;
        }
        PurgeFilter terminalOnly = new PurgeFilter(filter.createdFrom(), filter.createdTo(), statuses);
        long deadline = System.nanoTime() + timeBudget.toNanos();
        PurgeResult total = PurgeResult.NONE;
        do {
            total = total.plus(store.purgeInstances(terminalOnly, PURGE_CHUNK));
        } while (!total.isComplete() && System.nanoTime() < deadline);
        return total;
    }

    @Override
    public Optional<InstanceMetadata> waitForCompletion(String instanceId, Duration timeout) {
        return waitUntil(instanceId, timeout, m -> m.runtimeStatus().isTerminal());
    }

    @Override
    public Optional<InstanceMetadata> waitForStart(String instanceId, Duration timeout) {
        return waitUntil(instanceId, timeout, m -> m.runtimeStatus() != RuntimeStatus.Pending);
    }

    private Optional<InstanceMetadata> waitUntil(String instanceId, Duration timeout, Predicate<InstanceMetadata> done) {
        InstanceIds.validateLookup(instanceId);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<InstanceMetadata> current = store.getInstance(instanceId);
            long remaining = deadline - System.nanoTime();
            if (current.isEmpty() || done.test(current.get()) || remaining <= 0) {
                return current;
            }
            try {
                store.awaitInstanceChange(instanceId, current.get().revision(), Duration.ofNanos(remaining));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
    }

    @Override
    public void deleteTaskHub() {
        store.deleteTaskHub();
    }

    private InstanceMetadata existing(String instanceId) {
        InstanceIds.validateLookup(instanceId);
        return store.getInstance(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
    }
}
