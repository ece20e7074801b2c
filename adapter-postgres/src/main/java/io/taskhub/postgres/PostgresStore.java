package io.taskhub.postgres;

import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityClaim;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link OrchestrationStore} of one task hub: rows of the shared tables whose task_hub column
 * holds the hub's name in lower case (task hub names are case-insensitive, as in Durable Functions). Each SPI
 * call is one transaction; the classes it delegates to hold the SQL.
 *
 * <p>The clock ticks in microseconds, PostgreSQL's resolution, so every time the store hands out reads back
 * exactly. All lease and visibility decisions use this process's clock: the hosts of a task hub's workers must
 * keep their clocks in sync (NTP), as with any lease.
 */
public final class PostgresStore implements OrchestrationStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** No count of work heard of was taken: the look for work that came meanwhile is made. */
    private static final long NOT_COUNTED = Long.MIN_VALUE;
    private static final int PRUNE_HOLDS_ABOVE = 10_000;
    private final String taskHubName;
    private final String hubKey;
    private final Database db;
    private final NotificationRelay relay;
    /** The instances this process holds under a lease, claimed and not yet let go. */
    private final Map<String, Hold> heldHere = new ConcurrentHashMap<>();
    private final Tables t;
    private final HubSignals signals;
    private final RemoteWaiters waiters;
    private final BooleanSupplier listening;
    private final Duration maxPoll;
    private final MessageDelivery delivery;
    private final OrchestrationWork orchestrations;
    private final ActivityWork activities;
    private final InstanceQueries queries;
    private final Purges purges;
    private final WorkWaits waits;
    /** Activity results committed together (ResultBatches). */
    private final ResultBatches results = new ResultBatches();

    PostgresStore(String taskHubName, String hubKey, Database db, NotificationRelay relay, HubSignals signals,
            RemoteWaiters waiters, BooleanSupplier listening) {
        this.taskHubName = taskHubName;
        this.relay = relay;
        this.hubKey = hubKey;
        this.db = db;
        this.t = new Tables(db.config().schema());
        this.signals = signals;
        this.waiters = waiters;
        this.listening = listening;
        this.maxPoll = db.config().maxPollInterval();
        this.delivery = new MessageDelivery(t, hubKey);
        this.orchestrations = new OrchestrationWork(t, hubKey, delivery, true);
        this.activities = new ActivityWork(t, hubKey, delivery);
        this.queries = new InstanceQueries(t, hubKey);
        this.purges = new Purges(t, hubKey);
        this.waits = new WorkWaits(signals, listening, maxPoll, this::now, this::nextVisibleAt);
    }

    @Override
    public String taskHubName() {
        return taskHubName;
    }

    @Override
    public Instant now() {
        return PgTime.truncate(Instant.now());
    }

    /** The task hub's rows need no tables of their own: the schema was migrated when the backend started. */
    @Override
    public void createTaskHubIfNotExists() {
        // nothing to create
    }

    @Override
    public void deleteTaskHub() {
        runWithNotices((c, n) -> purges.deleteTaskHub(c, n));
    }

    // ---- the workers of the task hub -------------------------------------------------------------------

    @Override
    public void registerWorker(WorkerRegistration registration) {
        Instant now = now();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.workers()
                    + " WHERE task_hub = ? AND expires_at <= ?")) {
                ps.setString(1, hubKey);
                PgTime.set(ps, 2, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.workers() + " (task_hub, worker_id,"
                    + " orchestrators, activities, expires_at, hub_name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT"
                    + " (task_hub, worker_id) DO UPDATE SET orchestrators = excluded.orchestrators,"
                    + " activities = excluded.activities, expires_at = excluded.expires_at,"
                    + " hub_name = excluded.hub_name")) {
                ps.setString(1, hubKey);
                ps.setString(2, registration.workerId());
                ps.setString(3, WorkerRegistration.encodeNames(registration.orchestrators()));
                ps.setString(4, WorkerRegistration.encodeNames(registration.activities()));
                PgTime.set(ps, 5, registration.expiresAt());
                ps.setString(6, taskHubName);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void unregisterWorker(String workerId) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.workers()
                    + " WHERE task_hub = ? AND worker_id = ?")) {
                ps.setString(1, hubKey);
                ps.setString(2, workerId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        Instant now = now();
        return db.inTransaction(c -> {
            List<WorkerRegistration> live = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, orchestrators, activities, expires_at"
                    + " FROM " + t.workers() + " WHERE task_hub = ? AND expires_at > ?")) {
                ps.setString(1, hubKey);
                PgTime.set(ps, 2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(new WorkerRegistration(rs.getString(1),
                                WorkerRegistration.decodeNames(rs.getString(2)),
                                WorkerRegistration.decodeNames(rs.getString(3)), PgTime.get(rs, "expires_at")));
                    }
                }
            }
            return live;
        });
    }

    // ---- instances and messages ------------------------------------------------------------------------

    @Override
    public void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(started, "started");
        Instant now = now();
        // A new id (the usual case) in one round trip; an existing one under the start rules.
        Notices created = new Notices(t.schema(), hubKey);
        if (db.alone(c -> delivery.createIfMissing(c, instanceId, started, now, created))) {
            relay.publish(created.take());
            return;
        }
        runWithNotices((c, n) -> delivery.create(c, instanceId, started, replaceableStatuses, now, n));
    }

    /**
     * A new id, its start visible now and of an accepted name, in one statement that wakes nobody; anything else
     * under the start rules, for claiming.
     */
    @Override
    public Optional<OrchestrationWorkItem> createInstanceAndClaim(String instanceId, ExecutionStarted started,
            Set<RuntimeStatus> replaceableStatuses, InstanceClaim claim) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(claim, "claim");
        Instant now = now();
        if ((started.scheduledStartAt() != null && started.scheduledStartAt().isAfter(now))
                || !claim.names().accepts(started.name())) {
            createInstance(instanceId, started, replaceableStatuses);
            return Optional.empty();
        }
        long workSeen = signals.orchestrationWorkSeen();
        Optional<OrchestrationWorkItem> held = holding(db.alone(c -> delivery.createHeldIfMissing(c, instanceId,
                started, claim, now)), workSeen, claim.maxMessages());
        if (held.isEmpty()) { // the id exists
            runWithNotices((c, n) -> delivery.create(c, instanceId, started, replaceableStatuses, now, n));
        }
        return held;
    }

    @Override
    public boolean createsWithFirstStep() {
        return true;
    }

    /** One statement, alone, when the step sends no messages; else one transaction with its messages. */
    @Override
    public Optional<List<ActivityWorkItem>> createInstanceWithStep(OrchestrationWorkItem created,
            Checkpoint firstStep, TaskHandOff handOff) {
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(firstStep, "firstStep");
        Instant now = now();
        return notifying((c, n) -> orchestrations.createWithStep(c, created, firstStep, handOff, now, n),
                firstStep.messages().isEmpty());
    }

    /** One transaction: a conflict rolls back the instances created before it. */
    @Override
    public void createInstances(List<NewInstance> instances) {
        List<NewInstance> batch = List.copyOf(instances);
        Instant now = now();
        runWithNotices((c, n) -> {
            for (NewInstance i : batch) {
                delivery.create(c, i.instanceId(), i.started(), i.replaceableStatuses(), now, n);
            }
        });
    }

    @Override
    public boolean createsBatchesAtomically() {
        return true;
    }

    @Override
    public void sendMessages(List<InstanceMessage> messages) {
        List<InstanceMessage> batch = List.copyOf(messages);
        Instant now = now();
        runWithNotices((c, n) -> delivery.deliver(c, batch, now, true, n));
    }

    @Override
    public boolean reopenForRewind(String instanceId, InstanceMessage rewind) {
        Instant now = now();
        return withNotices((c, n) -> {
            String status;
            boolean leased;
            try (PreparedStatement ps = c.prepareStatement("SELECT runtime_status, locked_until > ? FROM "
                    + t.instances() + " WHERE task_hub = ? AND instance_id = ? FOR NO KEY UPDATE")) {
                PgTime.set(ps, 1, now);
                ps.setString(2, hubKey);
                ps.setString(3, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new InstanceNotFoundException(instanceId);
                    }
                    status = rs.getString(1);
                    leased = rs.getBoolean(2);
                }
            }
            if (!RuntimeStatus.Failed.name().equals(status)) {
                return false;
            }
            // Not while a worker holds it (recording a late result, say): its commit would write the Failed row
            // back. Then the rewind is stored alone, and the instance reopens when a worker runs it.
            if (!leased) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET runtime_status = ?,"
                        + " output = NULL, failure = NULL, last_updated_at = ?, revision = revision + 1"
                        + " WHERE task_hub = ? AND instance_id = ?")) {
                    ps.setString(1, RuntimeStatus.Pending.name());
                    PgTime.set(ps, 2, now);
                    ps.setString(3, hubKey);
                    ps.setString(4, instanceId);
                    ps.executeUpdate();
                }
            }
            delivery.deliver(c, List.of(rewind), now, true, n);
            n.instanceChanged(instanceId);
            return true;
        });
    }

    @Override
    public Optional<InstanceMetadata> getInstance(String instanceId) {
        return db.alone(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + InstanceRows.SELECT_COLUMNS + " FROM "
                    + t.instances() + " WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(InstanceRows.read(rs)) : Optional.<InstanceMetadata>empty();
                }
            }
        });
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId) {
        return db.alone(c -> InstanceData.history(c, t, hubKey, instanceId));
    }

    @Override
    public InstancePage queryInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return db.inTransaction(c -> queries.page(c, query));
    }

    @Override
    public Map<RuntimeStatus, Long> countInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return db.inTransaction(c -> queries.count(c, query));
    }

    // ---- orchestration work items ------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration,
            int maxMessages, NameFilter names) {
        Objects.requireNonNull(owner, "owner");
        requirePositive(leaseDuration, "leaseDuration");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
        if (!waits.beforeClaim(WorkWaits.Kind.ORCHESTRATIONS, names)) {
            return Optional.empty();
        }
        Instant now = now();
        long workSeen = signals.orchestrationWorkSeen();
        // One statement, its own transaction, committed without waiting for the disk (see take_messages).
        OrchestrationWork.Claimed claimed = db.alone(
                c -> orchestrations.claim(c, owner, leaseDuration, maxMessages, names, now));
        Optional<OrchestrationWorkItem> item = holding(claimed.item(), workSeen, maxMessages);
        waits.afterClaim(WorkWaits.Kind.ORCHESTRATIONS, item.isPresent(), claimed.moreVisible());
        return item;
    }

    @Override
    public Lease renewOrchestrationWorkItem(OrchestrationWorkItem item, Duration leaseDuration) {
        requirePositive(leaseDuration, "leaseDuration");
        Instant now = now();
        return db.inLightTransaction(c -> orchestrations.renew(c, item, leaseDuration, now));
    }

    @Override
    public void completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Instant now = now();
        commitStep(item, checkpoint, (c, n) -> orchestrations.complete(c, item, checkpoint, null, now, n));
    }

    @Override
    public List<ActivityWorkItem> completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Instant now = now();
        return commitStep(item, checkpoint, (c, n) -> orchestrations.complete(c, item, checkpoint, handOff, now,
                n));
    }

    /**
     * The step's commit as usual, but the instance counts as held here until the claim again has been made: what
     * arrives meanwhile wakes nobody, as that claim, or else the look for work that follows it, finds it.
     */
    @Override
    public StepCommit completeOrchestrationWorkItemAndClaimAgain(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, InstanceClaim again) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(again, "again");
        if (again.names().isExcluding()) {
            throw new IllegalArgumentException("A claim again names the orchestrators it accepts");
        }
        Instant now = now();
        Notices notices = new Notices(t.schema(), hubKey);
        Database.Work<List<ActivityWorkItem>> attempt = c -> {
            notices.clear(); // a retried attempt starts afresh
            return orchestrations.complete(c, item, checkpoint, handOff, now, notices);
        };
        List<ActivityWorkItem> handed;
        try {
            handed = checkpoint.messages().isEmpty() ? db.alone(attempt) : db.inTransaction(attempt);
        } catch (RuntimeException | Error e) {
            letGo(item.instanceId());
            throw e;
        }
        notices.heldAgain();
        relay.publish(notices.take(this::withholdsWorkOf));
        Optional<OrchestrationWorkItem> next = Optional.empty();
        long workSeen = signals.orchestrationWorkSeen();
        try {
            Instant claimedAt = now();
            next = db.alone(c -> orchestrations.claimInstance(c, item.instanceId(), again, claimedAt, true));
        } catch (RuntimeException e) {
            // The step is committed: the instance is left to any claim.
            LOG.debug("Could not claim instance '{}' again after its step: {}", item.instanceId(), e.toString());
        } finally {
            if (next.isPresent()) {
                holding(next, workSeen, again.maxMessages());
            } else {
                letGo(item.instanceId());
            }
        }
        return new StepCommit(handed, next);
    }

    @Override
    public void abandonOrchestrationWorkItem(OrchestrationWorkItem item, Duration retryDelay) {
        requireNotNegative(retryDelay);
        Instant now = now();
        notifying((c, n) -> {
            orchestrations.abandon(c, item, retryDelay, now, n, true);
            return null;
        }, false, item.instanceId());
    }

    @Override
    public void returnOrchestrationWorkItem(OrchestrationWorkItem item) {
        Instant now = now();
        notifying((c, n) -> {
            orchestrations.abandon(c, item, Duration.ZERO, now, n, false);
            return null;
        }, false, item.instanceId());
    }

    // ---- activity work items ------------------------------------------------------------------------------

    @Override
    public Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration, NameFilter names) {
        Objects.requireNonNull(owner, "owner");
        requirePositive(leaseDuration, "leaseDuration");
        if (!waits.beforeClaim(WorkWaits.Kind.ACTIVITIES, names)) {
            return Optional.empty();
        }
        Instant now = now();
        Optional<ActivityWorkItem> item = db.alone(c -> activities.claim(c, owner, leaseDuration, names, now));
        waits.afterClaim(WorkWaits.Kind.ACTIVITIES, item.isPresent(), true);
        return item;
    }

    @Override
    public Lease renewActivityWorkItem(ActivityWorkItem item, Duration leaseDuration) {
        requirePositive(leaseDuration, "leaseDuration");
        Instant now = now();
        return db.inLightTransaction(c -> activities.renew(c, item, leaseDuration, now));
    }

    @Override
    public void completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result) {
        Objects.requireNonNull(result, "result");
        Instant now = now();
        if (result.isStart()) {
            runWithNotices((c, n) -> activities.complete(c, item, result, now, n));
            return;
        }
        notifying((c, n) -> {
            activities.completeAlone(c, item, result, now, n);
            return null;
        }, true);
    }

    /**
     * One statement, alone: the result, durably, and the claim of the next task; committed together with the
     * results other threads complete meanwhile ({@link ResultBatches}).
     */
    @Override
    public Optional<ActivityWorkItem> completeActivityAndClaimNext(ActivityWorkItem item, InstanceMessage result,
            ActivityClaim next) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(next, "next");
        if (result.isStart() || next.names().isExcluding()) {
            completeActivityWorkItem(item, result);
            return Optional.empty();
        }
        ActivityWork.Completed completed = results.complete(
                new ResultBatches.Pending(new ActivityWork.Completion(item, result), next), this::commitResults);
        if (!completed.done()) {
            throw ActivityWork.lost(item, ActivityWork.LOST_TASK);
        }
        return completed.claimed();
    }

    /**
     * Commits a batch of results with the claims of the next tasks in one statement; a batch of one, or one that
     * statement failed or could not take, one result at a time (each finding out for itself whether its lease
     * held, or what went wrong).
     */
    private void commitResults(List<ResultBatches.Pending> batch, ActivityClaim next) {
        Instant now = now();
        // Tasks handed without rows are fenced by their instances' rows, which that statement does not update.
        if (batch.size() > 1 && batch.stream().noneMatch(p -> ActivityWork.isHanded(p.completion.item()))) {
            List<ActivityWork.Completion> completions = batch.stream().map(p -> p.completion).toList();
            Optional<List<ActivityWork.Completed>> all;
            try {
                all = notifying((c, n) -> activities.completeAndClaimAll(c, completions, next, now, n), true);
            } catch (RuntimeException e) {
                LOG.warn("A batch of {} activity results could not be committed ({}); committing them one by one.",
                        batch.size(), e.toString());
                all = Optional.empty();
            }
            if (all.isPresent()) {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).finish(all.get().get(i));
                }
                return;
            }
        }
        for (ResultBatches.Pending pending : batch) {
            ActivityWork.Completion completion = pending.completion;
            try {
                pending.finish(new ActivityWork.Completed(true, notifying((c, n) -> activities.completeAndClaim(c,
                        completion.item(), completion.result(), next, now(), n), true)));
            } catch (RuntimeException e) {
                pending.fail(e);
            }
        }
    }

    @Override
    public Optional<OrchestrationWorkItem> completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result,
            InstanceClaim next) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(next, "next");
        Instant now = now();
        long workSeen = signals.orchestrationWorkSeen();
        return holding(withNotices((c, n) -> {
            activities.complete(c, item, result, now, n);
            Optional<OrchestrationWorkItem> claimed = orchestrations.claimInstance(c, result.instanceId(), next, now);
            if (claimed.isPresent()) {
                n.withdrawOrchestrationWork(); // the result's work is taken by this transaction
            }
            return claimed;
        }), workSeen, next.maxMessages());
    }

    @Override
    public Optional<List<ActivityWorkItem>> completeActivityWithStep(ActivityWorkItem item, InstanceMessage result,
            long expectedRevision, Checkpoint step, TaskHandOff handOff) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(step, "step");
        Instant now = now();
        // The call holds the instance's row while it runs: work that came meanwhile is looked for after it.
        long workSeen = signals.orchestrationWorkSeen();
        return notifying((c, n) -> orchestrations.completeWithStep(c, item, result.instanceId(),
                expectedRevision, step, handOff, now, n), step.messages().isEmpty(), null, workSeen);
    }

    @Override
    public void abandonActivityWorkItem(ActivityWorkItem item, Duration retryDelay) {
        requireNotNegative(retryDelay);
        Instant now = now();
        runWithNotices((c, n) -> activities.abandon(c, item, retryDelay, now, n, true));
    }

    @Override
    public void returnActivityWorkItem(ActivityWorkItem item) {
        Instant now = now();
        runWithNotices((c, n) -> activities.abandon(c, item, Duration.ZERO, now, n, false));
    }

    // ---- backlog -----------------------------------------------------------------------------------------------

    @Override
    public Optional<io.taskhub.ports.store.Backlog> backlog() {
        Instant now = now();
        return Optional.of(db.inTransaction(c -> {
            Map<String, Long> byOrchestrator = new java.util.HashMap<>();
            long messages = 0;
            Instant oldestMessage = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT i.name, count(*), min(m.visible_at) AS oldest FROM "
                    + t.inbox() + " m JOIN " + t.instances() + " i ON i.task_hub = m.task_hub"
                    + " AND i.instance_id = m.instance_id WHERE m.task_hub = ? AND m.visible_at <= ? GROUP BY i.name")) {
                ps.setString(1, hubKey);
                PgTime.set(ps, 2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byOrchestrator.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        messages += rs.getLong(2);
                        oldestMessage = earliest(oldestMessage, PgTime.get(rs, "oldest"));
                    }
                }
            }
            Map<String, Long> byActivity = new java.util.HashMap<>();
            long tasks = 0;
            Instant oldestTask = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT name, count(*), min(visible_at) AS oldest FROM "
                    + t.tasks() + " WHERE task_hub = ? AND visible_at <= ? AND (locked_until IS NULL OR"
                    + " locked_until <= ?) GROUP BY name")) {
                ps.setString(1, hubKey);
                PgTime.set(ps, 2, now);
                PgTime.set(ps, 3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byActivity.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        tasks += rs.getLong(2);
                        oldestTask = earliest(oldestTask, PgTime.get(rs, "oldest"));
                    }
                }
            }
            return new io.taskhub.ports.store.Backlog(messages, oldestMessage, byOrchestrator, tasks, oldestTask,
                    byActivity);
        }));
    }

    // ---- purge -----------------------------------------------------------------------------------------------

    @Override
    public boolean purgeInstance(String instanceId, Set<RuntimeStatus> allowedStatuses) {
        return withNotices((c, n) -> purges.purgeInstance(c, instanceId, allowedStatuses, n));
    }

    @Override
    public PurgeResult purgeInstances(PurgeFilter filter, int maxInstances) {
        Objects.requireNonNull(filter, "filter");
        return withNotices((c, n) -> purges.purgeInstances(c, filter, maxInstances, n));
    }

    // ---- wake-ups ----------------------------------------------------------------------------------------

    /** How this hub's claims wait and look (for tests). */
    WorkWaits waits() {
        return waits;
    }

    @Override
    public void awaitWork(Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(maxWait, "maxWait");
        waits.await(maxWait);
    }

    /**
     * Watches the instance before reading its revision, so a change committed in between is not missed; reads
     * it again after each notification, and at least once per poll interval in case one was lost. Other processes
     * learn that this one waits ({@link RemoteWaiters}); right after telling them, it reads again sooner, as a
     * change they committed before they heard it was not announced.
     */
    @Override
    public void awaitInstanceChange(String instanceId, long knownRevision, Duration maxWait)
            throws InterruptedException {
        Objects.requireNonNull(maxWait, "maxWait");
        long deadline = System.nanoTime() + WorkWaits.nanos(maxWait);
        InstanceWatchers.Watch watch = signals.instances.watch(instanceId);
        waiters.startWaiting();
        try {
            while (true) {
                long version = watch.version();
                Optional<Long> revision = revision(instanceId);
                long remaining = deadline - System.nanoTime();
                if (revision.isEmpty() || revision.get() != knownRevision || remaining <= 0) {
                    return;
                }
                long slice = Math.min(remaining, Math.min(maxPoll.toNanos(), waiters.nanosUntilLook()));
                watch.await(version, Math.max(1, slice / 1_000_000L));
                waiters.stillWaiting();
            }
        } finally {
            waiters.stopWaiting();
            signals.instances.unwatch(instanceId, watch);
        }
    }

    private Optional<Long> revision(String instanceId) {
        return db.alone(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM " + t.instances()
                    + " WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /**
     * The earliest visibility time after {@code since} of the hub's messages or tasks (kind null: of both), or null;
     * one statement, alone (it is asked after most empty claims).
     */
    private Instant nextVisibleAt(WorkWaits.Kind kind, Instant since) {
        // Messages visible already, of an instance held right now, are passed over: its holder looks for them when it
        // lets the instance go, which is later (a look before would find it held: in a fan-in, waiting threads woke
        // for each result that came while a step ran, to find the instance held). Messages visible later (timers)
        // count whoever holds their instance: it may be let go before they are due.
        String inbox = "(SELECT m.visible_at FROM " + t.inbox() + " m JOIN " + t.instances() + " i"
                + " ON i.task_hub = m.task_hub AND i.instance_id = m.instance_id WHERE m.task_hub = ?"
                + " AND m.visible_at > ? AND (m.visible_at > ? OR i.locked_until IS NULL OR i.locked_until <= ?)"
                + " ORDER BY m.visible_at LIMIT 1)";
        String tasks = "(SELECT min(visible_at) FROM " + t.tasks() + " WHERE task_hub = ? AND visible_at > ?)";
        String sql = "SELECT " + (kind == WorkWaits.Kind.ORCHESTRATIONS ? inbox
                : kind == WorkWaits.Kind.ACTIVITIES ? tasks : "least(" + inbox + ", " + tasks + ")") + " AS due";
        Instant current = now();
        return db.alone(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (kind != WorkWaits.Kind.ACTIVITIES) {
                    ps.setString(i++, hubKey);
                    PgTime.set(ps, i++, since);
                    PgTime.set(ps, i++, current);
                    PgTime.set(ps, i++, current);
                }
                if (kind != WorkWaits.Kind.ORCHESTRATIONS) {
                    ps.setString(i++, hubKey);
                    PgTime.set(ps, i, since);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return PgTime.get(rs, "due");
                }
            }
        });
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Work that may notify: its notifications are sent once its transaction has committed. */
    private interface NotifyingWork<T> {
        T run(Connection connection, Notices notices) throws SQLException;
    }

    private interface VoidNotifyingWork {
        void run(Connection connection, Notices notices) throws SQLException;
    }

    private <T> T withNotices(NotifyingWork<T> work) {
        return notifying(work, false);
    }

    /**
     * A step's commit: one call, alone in its transaction (autocommit), when the step sends no messages; otherwise
     * the call and the deliveries in one transaction.
     */
    private <T> T commitStep(OrchestrationWorkItem item, Checkpoint step, NotifyingWork<T> work) {
        return notifying(work, step.messages().isEmpty(), item.instanceId());
    }

    /** Runs {@code work} in a durable transaction, then hands the notifications it gathered to the relay. */
    private <T> T notifying(NotifyingWork<T> work, boolean alone) {
        return notifying(work, alone, null);
    }

    /**
     * The same for work that lets go of instance {@code releases} (null: none), which this process no longer
     * holds once the transaction is over, before its notifications go.
     */
    private <T> T notifying(NotifyingWork<T> work, boolean alone, String releases) {
        return notifying(work, alone, releases, NOT_COUNTED);
    }

    /**
     * The same; {@code workSeenBefore} is the hub's count of work heard of before the work held an instance
     * without this process's lease (its row, for the call's length), or {@link #NOT_COUNTED}.
     */
    private <T> T notifying(NotifyingWork<T> work, boolean alone, String releases, long workSeenBefore) {
        Notices notices = new Notices(t.schema(), hubKey);
        Database.Work<T> attempt = c -> {
            notices.clear(); // a retried attempt starts afresh
            return work.run(c, notices);
        };
        T result;
        try {
            result = alone ? db.alone(attempt) : db.inTransaction(attempt);
        } catch (RuntimeException | Error e) {
            if (releases != null) {
                letGo(releases); // without the commit's own look for work that came meanwhile (a lost lease, say)
            }
            throw e;
        }
        long workSeen = workSeenBefore;
        if (releases != null) {
            Hold released = heldHere.remove(releases);
            workSeen = released == null ? NOT_COUNTED : released.workSeen();
        }
        if (noWorkSince(workSeen)) {
            notices.noLookNeeded();
        }
        relay.publish(notices.take(this::withholdsWorkOf));
        return result;
    }

    /**
     * No longer holds instance {@code instanceId} here, and looks for its work that came meanwhile, which woke
     * nobody while it was held.
     */
    private void letGo(String instanceId) {
        Hold released = heldHere.remove(instanceId);
        if (released != null && noWorkSince(released.workSeen())) {
            return;
        }
        Notices look = new Notices(t.schema(), hubKey);
        look.orchestrationWorkIfVisible(instanceId);
        relay.publish(look.take());
    }

    /**
     * Notes that this process holds {@code item}'s instance until it commits or gives it back, or its lease ends;
     * {@code workSeen} is the hub's count of orchestration work heard of, read before the claim, and
     * {@code maxMessages} what the claim could take. A claim of an instance held already keeps the count of the
     * first.
     */
    private Optional<OrchestrationWorkItem> holding(Optional<OrchestrationWorkItem> item, long workSeen,
            int maxMessages) {
        item.ifPresent(i -> {
            // A claim that took as many messages as it could may have left some, which woke nobody: the look is made.
            long seen = i.messages().size() >= maxMessages ? NOT_COUNTED : workSeen;
            heldHere.merge(i.instanceId(), new Hold(i.lease().expiresAt(), seen),
                    (held, claimed) -> new Hold(claimed.until(), older(held.workSeen(), claimed.workSeen())));
            if (heldHere.size() > PRUNE_HOLDS_ABOVE) {
                // Holds whose work was dropped without a word to the store (a worker that lost its lease, say).
                Instant now = Instant.now();
                heldHere.values().removeIf(h -> !h.until().isAfter(now));
            }
        });
        return item;
    }

    /** The count that makes the look more likely: {@link #NOT_COUNTED} wins, else the older one. */
    private static long older(long a, long b) {
        return a == NOT_COUNTED || b == NOT_COUNTED ? NOT_COUNTED : Math.min(a, b);
    }

    /**
     * Whether orchestration work for {@code instanceId} is not to be announced because this process holds the
     * instance (its holder looks for work when it lets go); the work withheld counts as heard of.
     */
    private boolean withholdsWorkOf(String instanceId) {
        // Counted before the hold is read: a holder that lets go meanwhile either sees the count moved, or is gone
        // before the read, and then the work is announced.
        signals.orchestrationWorkWithheld();
        Hold held = heldHere.get(instanceId);
        if (held == null) {
            return false;
        }
        if (held.until().isAfter(Instant.now())) {
            return true;
        }
        heldHere.remove(instanceId, held); // a lease that ran out unreleased (its work was dropped)
        return false;
    }

    /**
     * Whether no orchestration work was heard of in this process since the hub's count was {@code workSeen}: then
     * no wake-up was lost while an instance was held, and its holder need not look for work when it lets go.
     * Work committed by others is heard of by its notification; while this process is not listening, nothing is
     * known and the look is made.
     */
    private boolean noWorkSince(long workSeen) {
        return workSeen != NOT_COUNTED && listening.getAsBoolean() && signals.orchestrationWorkSeen() == workSeen;
    }

    /** An instance held here: its lease's end, and the hub's count of work heard of when it was claimed. */
    private record Hold(Instant until, long workSeen) {
    }

    private void runWithNotices(VoidNotifyingWork work) {
        withNotices((c, n) -> {
            work.run(c, n);
            return null;
        });
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }

    private static void requireNotNegative(Duration retryDelay) {
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (retryDelay.isNegative()) {
            throw new IllegalArgumentException("retryDelay must not be negative, was " + retryDelay);
        }
    }
}
