package io.taskhub.azure.internal;

import com.azure.data.tables.TableServiceClient;
import com.azure.storage.queue.QueueServiceClient;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.TaskhubException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage port for one task hub on Azure Storage. It wires the parts together and wraps unexpected SDK
 * errors as {@link io.taskhub.ports.errors.StorageException}; the design is described on each part and in
 * docs/azure-storage.md.
 */
public final class AzureOrchestrationStore implements OrchestrationStore {
    private static final Logger LOG = LoggerFactory.getLogger(AzureOrchestrationStore.class);
    private final HubClients hub;
    private final InstanceRows instances;
    private final HistoryRows history;
    private final Outbox outbox;
    private final StartRules starts;
    private final Waiter waiter;
    private final ControlQueueBuffer buffer;
    private final PartitionManager partitions;
    private final OrchestrationClaims claims;
    private final OrchestrationCommits commits;
    private final ActivityQueue activities;
    private final CurrentExecutions executions;
    private final InstanceQueries queries;
    private final Purges purges;
    private final WorkerRows workers;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> keepAlive;

    public AzureOrchestrationStore(String taskHub, StoreSettings config, QueueServiceClient queueService,
            TableServiceClient tableService, ScheduledExecutorService scheduler, ExecutorService io,
            ExecutorService urgentIo) {
        this(StoreWiring.wire(taskHub, config, queueService, tableService, scheduler, io, urgentIo), scheduler);
    }

    private AzureOrchestrationStore(StoreWiring parts, ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.hub = parts.hub();
        this.instances = parts.instances();
        this.history = parts.history();
        this.outbox = parts.outbox();
        this.starts = parts.starts();
        this.waiter = parts.waiter();
        this.buffer = parts.buffer();
        this.partitions = parts.partitions();
        this.claims = parts.claims();
        this.commits = parts.commits();
        this.activities = parts.activities();
        this.executions = parts.executions();
        this.queries = parts.queries();
        this.purges = parts.purges();
        this.workers = parts.workers();
    }

    @Override
    public String taskHubName() {
        return hub.names().taskHub();
    }

    /** The queue and table names of this task hub. */
    public ResourceNames resourceNames() {
        return hub.names();
    }

    @Override
    public void createTaskHubIfNotExists() {
        call("create the task hub", () -> {
            hub.createIfNotExists();
            PartitionManager.createRows(hub.partitions(), taskHubName(), hub.partitionCount());
            return null;
        });
    }

    @Override
    public void deleteTaskHub() {
        stopBackground(Duration.ZERO, false);
        call("delete the task hub", () -> {
            hub.deleteIfExists();
            return null;
        });
    }

    @Override
    public void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses) {
        call("create instance " + instanceId, () -> {
            starts.create(instanceId, started, replaceableStatuses);
            return null;
        });
        executions.forget(instanceId); // it may have replaced the instance
        waiter.signal();
    }

    @Override
    public void sendMessages(List<InstanceMessage> messages) {
        call("send messages", () -> {
            // Every target must exist (or be created by a start earlier in the batch) before anything is sent.
            Set<String> startedHere = new HashSet<>();
            Map<String, String> incarnations = new HashMap<>();
            for (InstanceMessage message : messages) {
                String target = message.instanceId();
                if (message.isStart()) {
                    startedHere.add(target);
                } else if (!startedHere.contains(target) && !incarnations.containsKey(target)) {
                    String created = instances.read(target, false)
                            .map(row -> String.valueOf(row.properties().get(InstanceRows.CREATED)))
                            .orElseThrow(() -> new InstanceNotFoundException(target));
                    incarnations.put(target, created);
                }
            }
            for (InstanceMessage message : messages) {
                String id = UUID.randomUUID().toString();
                if (message.event() instanceof ExecutionStarted start) {
                    starts.send(message.instanceId(), start, id, 0, message.replaces());
                    executions.forget(message.instanceId()); // it may have replaced the instance
                } else {
                    // Stamped with the incarnation the sender saw: if it is purged or replaced before the
                    // message is received, the message goes with it (as an inbox would).
                    outbox.send(Outbox.envelope(id, message, null, null)
                            .withIncarnation(incarnations.get(message.instanceId())));
                }
            }
            return null;
        });
        waiter.signal();
    }

    @Override
    public Optional<InstanceMetadata> getInstance(String instanceId) {
        return read("read instance " + instanceId, Optional.empty(),
                () -> instances.read(instanceId).map(InstanceRows.InstanceRow::metadata));
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId) {
        return read("read the history of " + instanceId, List.of(), () -> {
            OrchestrationClaims.ClaimReceipt claimed = claims.currentClaim(instanceId);
            if (claimed != null) {
                // Claimed here: nobody else writes the instance's history until the claim ends.
                Sentinel sentinel = claimed.sentinel();
                boolean current = sentinel.exists()
                        && claimed.row().metadata().executionId().equals(sentinel.executionId());
                return current ? history.read(instanceId, sentinel) : List.of();
            }
            Optional<InstanceRows.InstanceRow> row = instances.read(instanceId, false);
            if (row.isEmpty()) {
                return List.of();
            }
            Sentinel sentinel = history.readSentinel(instanceId);
            // After a replacement the old execution's rows stay until the new one's first checkpoint.
            if (!sentinel.exists() || !row.get().metadata().executionId().equals(sentinel.executionId())) {
                return List.of();
            }
            return history.read(instanceId, sentinel);
        });
    }

    @Override
    public InstancePage queryInstances(InstanceQuery query) {
        return read("query instances", new InstancePage(List.of(), null), () -> queries.query(query));
    }

    @Override
    public Map<RuntimeStatus, Long> countInstances(InstanceQuery query) {
        return read("count instances", Map.of(), () -> queries.count(query));
    }

    /**
     * The rewind message is sent first, then the row is reopened if it is still the Failed row read: should the
     * row change meanwhile (a worker already running the rewind) or this process stop in between, the message is
     * there and the worker rewinds the instance all the same, only without the early Pending.
     */
    @Override
    public boolean reopenForRewind(String instanceId, InstanceMessage rewind) {
        Instant now = now();
        return call("rewind " + instanceId, () -> {
            InstanceRows.InstanceRow row = instances.read(instanceId)
                    .orElseThrow(() -> new InstanceNotFoundException(instanceId));
            if (row.metadata().runtimeStatus() != RuntimeStatus.Failed) {
                return false;
            }
            outbox.send(Outbox.envelope(UUID.randomUUID().toString(), rewind, null, null)
                    .withIncarnation(String.valueOf(row.properties().get(InstanceRows.CREATED))));
            InstanceMetadata reopened = row.metadata().toBuilder().runtimeStatus(RuntimeStatus.Pending).output(null)
                    .failure(null).lastUpdatedAt(now).build();
            try {
                instances.replace(instanceId, instances.toProperties(reopened, row.revision() + 1,
                        row.parentRevision(), row), row.etag());
            } catch (RuntimeException e) {
                if (!StorageErrors.isPreconditionFailed(e) && !StorageErrors.isNotFound(e)) {
                    throw e;
                }
                LOG.debug("Instance {} changed while its rewind was accepted; the worker reopens it", instanceId);
            }
            waiter.signal();
            return true;
        });
    }

    @Override
    public void registerWorker(WorkerRegistration registration) {
        Instant now = now();
        call("register worker " + registration.workerId(), () -> {
            workers.register(registration, now);
            return null;
        });
    }

    @Override
    public void unregisterWorker(String workerId) {
        read("unregister worker " + workerId, null, () -> {
            workers.unregister(workerId);
            return null;
        });
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        Instant now = now();
        return read("list the workers", List.of(), () -> workers.live(now));
    }

    /**
     * Orchestrations are bound to the control-queue partitions this worker owns: an instance whose name this
     * worker does not run is handed back and waits for the partition's next owner that runs it.
     */
    @Override
    public Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration,
            int maxMessages, NameFilter names) {
        startBackground(true);
        Optional<OrchestrationWorkItem> item = call("claim an orchestration work item",
                () -> claims.claim(owner, leaseDuration, maxMessages, names));
        waiter.claimed(item.isPresent());
        return item;
    }

    @Override
    public boolean bindsInstancesToPartitions() {
        return true;
    }

    @Override
    public Lease renewOrchestrationWorkItem(OrchestrationWorkItem item, Duration leaseDuration) {
        return call("renew the work item of " + item.instanceId(), () -> commits.renew(item, leaseDuration));
    }

    @Override
    public void completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint) {
        completeOrchestrationWorkItem(item, checkpoint, null);
    }

    @Override
    public List<ActivityWorkItem> completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff) {
        return call("commit a step of " + item.instanceId(), () -> commits.complete(item, checkpoint, handOff));
    }

    @Override
    public void abandonOrchestrationWorkItem(OrchestrationWorkItem item, Duration retryDelay) {
        call("abandon the work item of " + item.instanceId(), () -> {
            commits.abandon(item, retryDelay);
            return null;
        });
    }

    @Override
    public void returnOrchestrationWorkItem(OrchestrationWorkItem item) {
        call("give back the work item of " + item.instanceId(), () -> {
            commits.giveBack(item);
            return null;
        });
    }

    @Override
    public Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration, NameFilter names) {
        startBackground(false);
        Optional<ActivityWorkItem> item = call("claim an activity",
                () -> activities.claim(owner, leaseDuration, names));
        waiter.claimed(item.isPresent());
        return item;
    }

    @Override
    public Lease renewActivityWorkItem(ActivityWorkItem item, Duration leaseDuration) {
        return call("renew an activity", () -> activities.renew(item, leaseDuration));
    }

    @Override
    public void completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result) {
        call("complete an activity", () -> {
            activities.complete(item, result);
            return null;
        });
        waiter.signal();
    }

    @Override
    public void abandonActivityWorkItem(ActivityWorkItem item, Duration retryDelay) {
        call("abandon an activity", () -> {
            activities.abandon(item, retryDelay);
            return null;
        });
    }

    @Override
    public void returnActivityWorkItem(ActivityWorkItem item) {
        call("give back activity " + item.task().name(), () -> {
            activities.giveBack(item);
            return null;
        });
    }

    @Override
    public boolean purgeInstance(String instanceId, Set<RuntimeStatus> allowedStatuses) {
        boolean purged = call("purge instance " + instanceId, () -> purges.purge(instanceId, allowedStatuses));
        executions.forget(instanceId);
        waiter.signal();
        return purged;
    }

    @Override
    public PurgeResult purgeInstances(PurgeFilter filter, int maxInstances) {
        PurgeResult result = call("purge instances", () -> purges.purge(filter, maxInstances));
        executions.forgetAll();
        return result;
    }

    @Override
    public void awaitWork(Duration maxWait) throws InterruptedException {
        waiter.awaitWork(maxWait);
    }

    @Override
    public void awaitInstanceChange(String instanceId, long knownRevision, Duration maxWait)
            throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        for (int round = 0; ; round++) {
            Optional<InstanceRows.InstanceRow> row = call("read instance " + instanceId,
                    () -> instances.read(instanceId, false));
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (row.isEmpty() || row.get().revision() != knownRevision || left <= 0) {
                return;
            }
            waiter.waitForSignal(Math.min(left, waiter.pollDelay(round)));
        }
    }

    /**
     * Background work starts with the first claim: keeping buffered messages invisible, and (for orchestration
     * claims) taking part in partition leasing. A process that only manages instances never owns partitions.
     */
    private void startBackground(boolean orchestrations) {
        synchronized (this) {
            if (keepAlive == null) {
                // Often enough that a message is renewed before it lapses even with leases of a second or two
                // (each round renews only what would lapse within half its visibility).
                keepAlive = scheduler.scheduleWithFixedDelay(this::keepBufferedAlive, 250, 250,
                        TimeUnit.MILLISECONDS);
            }
        }
        if (orchestrations) {
            call("take part in partition leasing", () -> {
                partitions.start();
                return null;
            });
        }
    }

    private void keepBufferedAlive() {
        try {
            buffer.keepAlive();
            activities.keepAlive();
        } catch (RuntimeException e) {
            // logged by the buffers; the next round retries
        }
    }

    /** Hands partitions over (when {@code handOver}) and stops background work; a later claim restarts it. */
    public void stopBackground(Duration grace, boolean handOver) {
        synchronized (this) {
            if (keepAlive != null) {
                keepAlive.cancel(false);
                keepAlive = null;
            }
        }
        partitions.stop(grace, handOver);
        buffer.clear();
        activities.clear(handOver);
    }

    /** For tests: simulate a crash after a step of the checkpoint protocol (see {@link OrchestrationCommits}). */
    void crashPoint(java.util.function.Consumer<String> crash) {
        commits.crashPoint(crash);
    }

    /** For tests: the task hub's queues and tables, to act as another process would on them. */
    HubClients hubClients() {
        return hub;
    }

    /** A read of a task hub whose tables are gone (deleted by another process) finds {@code nothing}. */
    private static <T> T read(String action, T nothing, Supplier<T> body) {
        try {
            return call(action, body);
        } catch (StorageException e) {
            if (StorageErrors.isTableMissing(e)) {
                return nothing;
            }
            throw e;
        }
    }

    private static <T> T call(String action, Supplier<T> body) {
        try {
            return body.get();
        } catch (TaskhubException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StorageErrors.wrap(action, e);
        }
    }
}
