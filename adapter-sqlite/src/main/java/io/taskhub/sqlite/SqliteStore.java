package io.taskhub.sqlite;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The storage SPI for one task hub in the SQLite file: instances and messages here, work items in
 * {@link OrchestrationWork} and {@link ActivityWork}, deliveries and rows in {@link InstanceWrites}.
 */
final class SqliteStore implements OrchestrationStore {
    /** The hub's key in every table: its name in lower case (names are case-insensitive). */
    private final String taskHub;
    /** The name as the first caller in this process spelled it, for reports. */
    private final String taskHubName;
    private final SqliteDatabase db;
    private final InstanceWrites rows;
    private final InstanceQueries queries;
    private final OrchestrationWork orchestrations;
    private final ActivityWork activities;
    private final WorkNews news = new WorkNews();
    /** How often an instance wait looks again for changes other processes wrote. */
    private final Duration otherProcessPoll;
    /** What a thread's last claim had seen: the news, and the moment whose visible work it looked at. */
    private record Claimed(WorkNews.Mark news, Instant at) {
    }

    private final ThreadLocal<Claimed> seenAtClaim = new ThreadLocal<>();

    SqliteStore(String taskHubName, SqliteDatabase db, Duration otherProcessPoll) {
        this.otherProcessPoll = otherProcessPoll;
        this.taskHubName = taskHubName;
        this.taskHub = taskHubName.toLowerCase(java.util.Locale.ROOT);
        this.db = db;
        this.rows = new InstanceWrites(taskHub);
        this.queries = new InstanceQueries(taskHub);
        this.orchestrations = new OrchestrationWork(taskHub, rows);
        this.activities = new ActivityWork(taskHub, rows);
    }

    @Override
    public String taskHubName() {
        return taskHubName;
    }

    @Override
    public void createTaskHubIfNotExists() {
        // The schema is shared by every task hub and created by the migrations when the file is opened.
    }

    @Override
    public void deleteTaskHub() {
        db.write(c -> {
            for (String table : List.of("history", "inbox", "activity_tasks", "instances", "workers")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE task_hub = ?")) {
                    ps.setString(1, taskHub);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- the workers of the task hub --------------------------------------------------------------------------

    @Override
    public void registerWorker(WorkerRegistration registration) {
        long now = Rows.nanos(now());
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM workers WHERE task_hub = ? AND expires_at <= ?")) {
                ps.setString(1, taskHub);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (task_hub, worker_id, orchestrators,"
                    + " activities, expires_at, hub_name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (task_hub, worker_id)"
                    + " DO UPDATE SET orchestrators = excluded.orchestrators, activities = excluded.activities,"
                    + " expires_at = excluded.expires_at, hub_name = excluded.hub_name")) {
                ps.setString(1, taskHub);
                ps.setString(2, registration.workerId());
                ps.setString(3, WorkerRegistration.encodeNames(registration.orchestrators()));
                ps.setString(4, WorkerRegistration.encodeNames(registration.activities()));
                ps.setLong(5, Rows.nanos(registration.expiresAt()));
                ps.setString(6, taskHubName);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void unregisterWorker(String workerId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM workers WHERE task_hub = ? AND worker_id = ?")) {
                ps.setString(1, taskHub);
                ps.setString(2, workerId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        long now = Rows.nanos(now());
        return db.read(c -> {
            List<WorkerRegistration> live = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT worker_id, orchestrators, activities, expires_at"
                    + " FROM workers WHERE task_hub = ? AND expires_at > ?")) {
                ps.setString(1, taskHub);
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(new WorkerRegistration(rs.getString(1),
                                WorkerRegistration.decodeNames(rs.getString(2)),
                                WorkerRegistration.decodeNames(rs.getString(3)), Rows.instant(rs.getLong(4))));
                    }
                }
            }
            return live;
        });
    }

    // ---- instances and messages -------------------------------------------------------------------------------

    @Override
    public void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceableStatuses) {
        createInstances(List.of(new NewInstance(instanceId, started, replaceableStatuses)));
    }

    /** One write (a savepoint of the group commit): a conflict rolls back the instances created before it. */
    @Override
    public void createInstances(List<NewInstance> instances) {
        List<NewInstance> batch = List.copyOf(instances);
        List<String> starts = batch.stream().map(i -> JsonCodec.writeEvent(i.started())).toList();
        db.write(c -> {
            Instant now = now();
            for (int i = 0; i < batch.size(); i++) {
                NewInstance created = batch.get(i);
                create(c, created.instanceId(), created.started(), starts.get(i), created.replaceableStatuses(), now);
            }
            return null;
        });
        news.announce(true, false);
    }

    @Override
    public boolean createsBatchesAtomically() {
        return true;
    }

    /** The creation and the claim in one write; a held start wakes nobody. */
    @Override
    public Optional<OrchestrationWorkItem> createInstanceAndClaim(String instanceId, ExecutionStarted started,
            Set<RuntimeStatus> replaceableStatuses, InstanceClaim claim) {
        Objects.requireNonNull(claim, "claim");
        String startJson = JsonCodec.writeEvent(started);
        OrchestrationWorkItem held = read(db.write(c -> {
            Instant now = now();
            boolean createdNew = create(c, instanceId, started, startJson, replaceableStatuses, now);
            boolean visibleNow = started.scheduledStartAt() == null || !started.scheduledStartAt().isAfter(now);
            return createdNew && visibleNow && claim.names().accepts(started.name())
                    ? orchestrations.claimCreated(c, instanceId, claim, now) : null;
        }));
        if (held == null) {
            news.announce(true, false);
        }
        return Optional.ofNullable(held);
    }

    /**
     * The work item of a claim the write made (null for none), its messages read after the write. A message this
     * process cannot read (an event of a later version, say) throws here, after the claim was committed: the
     * instance is let go again at once, so that a worker that can read it may take it without waiting for the lease
     * to run out, as if the claim had failed in its write.
     */
    private OrchestrationWorkItem read(OrchestrationWork.Taken taken) {
        if (taken == null) {
            return null;
        }
        try {
            return taken.item();
        } catch (RuntimeException unreadable) {
            try {
                db.write(c -> {
                    rows.unlock(c, taken.instanceId(), taken.lease().token());
                    return null;
                });
                news.announce(true, false);
            } catch (RuntimeException releaseFailed) {
                unreadable.addSuppressed(releaseFailed);
            }
            throw unreadable;
        }
    }

    @Override
    public boolean createsWithFirstStep() {
        return true;
    }

    /** One write: the row at the caller's revision, then the step applied to it as to any held instance. */
    @Override
    public Optional<List<ActivityWorkItem>> createInstanceWithStep(OrchestrationWorkItem created,
            Checkpoint firstStep, TaskHandOff handOff) {
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(firstStep, "firstStep");
        firstStep.requireFirstStepOf(created.instanceId());
        EncodedCheckpoint encoded = EncodedCheckpoint.of(firstStep);
        OrchestrationWork.Committed committed = db.write(c -> {
            if (rows.select(c, created.instanceId()) != null) {
                return null; // the start goes the usual way, under the start rules
            }
            rows.insert(c, created.instance(), created.instance().revision());
            return orchestrations.applyStep(c, created.instanceId(), encoded, handOff, now());
        });
        if (committed == null) {
            return Optional.empty();
        }
        news.announce(committed.orchestrationWork(), committed.tasksForClaims());
        return Optional.of(committed.handedOff());
    }

    /**
     * Creates or replaces the instance under the start rules, its start message {@code startJson} (the start
     * written as JSON); true when no instance had that id.
     */
    private boolean create(Connection c, String instanceId, ExecutionStarted started, String startJson,
            Set<RuntimeStatus> replaceableStatuses, Instant now) throws SQLException {
        InstanceMetadata existing = rows.select(c, instanceId);
        if (existing == null) {
            rows.insert(c, InstanceWrites.pending(instanceId, started, now), 1);
        } else if (replaceableStatuses.contains(existing.runtimeStatus())) {
            rows.replace(c, existing, started, now);
        } else {
            throw new InstanceAlreadyExistsException(instanceId, existing.runtimeStatus());
        }
        rows.enqueue(c, instanceId, started.executionId(), startJson, started.scheduledStartAt(), now);
        return existing == null;
    }

    @Override
    public void sendMessages(List<InstanceMessage> messages) {
        db.write(c -> {
            rows.send(c, messages, now(), false, new HashMap<>());
            return null;
        });
        news.announce(true, false);
    }

    @Override
    public boolean reopenForRewind(String instanceId, InstanceMessage rewind) {
        Instant now = now();
        boolean accepted = db.write(c -> {
            InstanceMetadata existing = rows.select(c, instanceId);
            if (existing == null) {
                throw new InstanceNotFoundException(instanceId);
            }
            if (existing.runtimeStatus() != RuntimeStatus.Failed) {
                return false;
            }
            // Not while a worker holds it (recording a late result, say): its commit would write the Failed row
            // back. Then the rewind is stored alone, and the instance reopens when a worker runs it.
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET runtime_status = ?, output = NULL,"
                    + " failure = NULL, last_updated_at = ?, revision = revision + 1"
                    + " WHERE task_hub = ? AND instance_id = ? AND (lock_token IS NULL OR locked_until <= ?)")) {
                ps.setString(1, RuntimeStatus.Pending.name());
                ps.setLong(2, Rows.nanos(now));
                ps.setString(3, taskHub);
                ps.setString(4, instanceId);
                ps.setLong(5, Rows.nanos(now));
                ps.executeUpdate();
            }
            rows.enqueue(c, instanceId, rewind.executionId(), JsonCodec.writeEvent(rewind.event()), rewind.visibleAt(),
                    now);
            return true;
        });
        news.announce(accepted, false);
        return accepted;
    }

    @Override
    public Optional<InstanceMetadata> getInstance(String instanceId) {
        return Optional.ofNullable(db.read(c -> rows.select(c, instanceId)));
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId) {
        return db.read(c -> {
            List<HistoryEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event FROM history"
                    + " WHERE task_hub = ? AND instance_id = ? ORDER BY sequence")) {
                ps.setString(1, taskHub);
                ps.setString(2, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(JsonCodec.readEvent(rs.getString(1)));
                    }
                }
            }
            return events;
        });
    }

    @Override
    public InstancePage queryInstances(InstanceQuery query) {
        return db.read(c -> queries.query(c, query));
    }

    @Override
    public Map<RuntimeStatus, Long> countInstances(InstanceQuery query) {
        return db.read(c -> queries.count(c, query));
    }

    // ---- orchestration work items (OrchestrationWork) ---------------------------------------------------------

    @Override
    public Optional<OrchestrationWorkItem> claimOrchestrationWorkItem(String owner, Duration leaseDuration,
            int maxMessages, NameFilter names) {
        seenAtClaim.set(new Claimed(news.mark(WorkNews.Kind.ORCHESTRATIONS), now()));
        return Optional.ofNullable(read(db.write(c -> orchestrations.claim(c, owner,
                leaseDuration, maxMessages, names, now()))));
    }

    @Override
    public Lease renewOrchestrationWorkItem(OrchestrationWorkItem item, Duration leaseDuration) {
        Instant until = now().plus(leaseDuration);
        db.write(c -> {
            orchestrations.renew(c, item, until, now());
            return null;
        });
        return item.lease().renewedUntil(until);
    }

    @Override
    public void completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint) {
        complete(item, checkpoint, null);
    }

    @Override
    public List<ActivityWorkItem> completeOrchestrationWorkItem(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff) {
        return complete(item, checkpoint, handOff);
    }

    private List<ActivityWorkItem> complete(OrchestrationWorkItem item, Checkpoint checkpoint, TaskHandOff handOff) {
        EncodedCheckpoint encoded = EncodedCheckpoint.of(checkpoint);
        OrchestrationWork.Committed committed = db.write(c -> orchestrations.complete(c, item, encoded, handOff,
                now()));
        news.announce(committed.orchestrationWork(), committed.tasksForClaims());
        return committed.handedOff();
    }

    /**
     * The commit and the claim again in one write: nobody can take the instance in between, and the messages that
     * arrived during the step wake nobody when the claim takes them.
     */
    @Override
    public StepCommit completeOrchestrationWorkItemAndClaimAgain(OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, InstanceClaim again) {
        Objects.requireNonNull(again, "again");
        record Done(OrchestrationWork.Committed committed, OrchestrationWork.Taken next) {
        }
        EncodedCheckpoint encoded = EncodedCheckpoint.of(checkpoint);
        Done done = db.write(c -> {
            Instant now = now();
            OrchestrationWork.Committed committed = orchestrations.complete(c, item, encoded, handOff, now);
            return new Done(committed, orchestrations.claimInstance(c, item.instanceId(), again, now));
        });
        // What the step sent other instances is news either way.
        news.announce(done.next() == null ? done.committed().orchestrationWork() : !checkpoint.messages().isEmpty(),
                done.committed().tasksForClaims());
        return new StepCommit(done.committed().handedOff(),
                Optional.ofNullable(read(done.next())));
    }

    @Override
    public void abandonOrchestrationWorkItem(OrchestrationWorkItem item, Duration retryDelay) {
        releaseStep(item, retryDelay, true);
    }

    @Override
    public void returnOrchestrationWorkItem(OrchestrationWorkItem item) {
        releaseStep(item, Duration.ZERO, false);
    }

    private void releaseStep(OrchestrationWorkItem item, Duration retryDelay, boolean counted) {
        db.write(c -> {
            orchestrations.abandon(c, item, retryDelay, now(), counted);
            return null;
        });
        news.announce(true, false);
    }

    // ---- activity work items (ActivityWork) ---------------------------------------------------------------------

    @Override
    public Optional<ActivityWorkItem> claimActivityWorkItem(String owner, Duration leaseDuration, NameFilter names) {
        seenAtClaim.set(new Claimed(news.mark(WorkNews.Kind.ACTIVITIES), now()));
        return Optional.ofNullable(db.write(c -> activities.claim(c, owner, leaseDuration, names, now())));
    }

    @Override
    public Lease renewActivityWorkItem(ActivityWorkItem item, Duration leaseDuration) {
        Instant until = now().plus(leaseDuration);
        db.write(c -> {
            activities.renew(c, item, until, now());
            return null;
        });
        return item.lease().renewedUntil(until);
    }

    @Override
    public void completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result) {
        db.write(c -> {
            activities.complete(c, item, result, now());
            return null;
        });
        news.announce(true, false);
    }

    @Override
    public Optional<OrchestrationWorkItem> completeActivityWorkItem(ActivityWorkItem item, InstanceMessage result,
            InstanceClaim next) {
        Objects.requireNonNull(next, "next");
        Optional<OrchestrationWorkItem> claimed = Optional.ofNullable(read(db.write(c -> {
            Instant now = now();
            activities.complete(c, item, result, now);
            return orchestrations.claimInstance(c, result.instanceId(), next, now);
        })));
        news.announce(claimed.isEmpty(), false); // a result nobody took waits for a claim
        return claimed;
    }

    /** A step that may not be committed with its result: thrown to roll the write back, never seen by callers. */
    private static final class Declined extends RuntimeException {
        Declined() {
            super(null, null, false, false);
        }
    }

    @Override
    public Optional<List<ActivityWorkItem>> completeActivityWithStep(ActivityWorkItem item, InstanceMessage result,
            long expectedRevision, Checkpoint step, TaskHandOff handOff) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(step, "step");
        OrchestrationWork.Committed committed;
        EncodedCheckpoint encoded = EncodedCheckpoint.of(step);
        try {
            committed = db.write(c -> {
                Instant now = now();
                activities.deleteFenced(c, item, now);
                if (!orchestrations.isIdleAt(c, result.instanceId(), expectedRevision, now)) {
                    throw new Declined(); // the task's deletion is rolled back with it
                }
                return orchestrations.applyStep(c, result.instanceId(), encoded, handOff, now);
            });
        } catch (Declined declined) {
            return Optional.empty();
        }
        news.announce(committed.orchestrationWork(), committed.tasksForClaims());
        return Optional.of(committed.handedOff());
    }

    @Override
    public void abandonActivityWorkItem(ActivityWorkItem item, Duration retryDelay) {
        releaseTask(item, retryDelay, true);
    }

    @Override
    public void returnActivityWorkItem(ActivityWorkItem item) {
        releaseTask(item, Duration.ZERO, false);
    }

    private void releaseTask(ActivityWorkItem item, Duration retryDelay, boolean counted) {
        db.write(c -> {
            activities.abandon(c, item, retryDelay, now(), counted);
            return null;
        });
        news.announce(false, true);
    }

    // ---- backlog ---------------------------------------------------------------------------------------------------

    @Override
    public Optional<io.taskhub.ports.store.Backlog> backlog() {
        long at = Rows.nanos(now());
        return Optional.of(db.read(c -> {
            Map<String, Long> byOrchestrator = new HashMap<>();
            long messages = 0;
            Long oldestMessage = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT i.name, COUNT(*), MIN(m.visible_at) FROM inbox m"
                    + " JOIN instances i ON i.task_hub = m.task_hub AND i.instance_id = m.instance_id"
                    + " WHERE m.task_hub = ? AND m.visible_at <= ? GROUP BY i.name")) {
                ps.setString(1, taskHub);
                ps.setLong(2, at);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byOrchestrator.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        messages += rs.getLong(2);
                        oldestMessage = oldestMessage == null ? rs.getLong(3) : Math.min(oldestMessage, rs.getLong(3));
                    }
                }
            }
            Map<String, Long> byActivity = new HashMap<>();
            long tasks = 0;
            Long oldestTask = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT name, COUNT(*), MIN(visible_at) FROM activity_tasks"
                    + " WHERE task_hub = ? AND visible_at <= ? AND (lock_token IS NULL OR locked_until <= ?)"
                    + " GROUP BY name")) {
                ps.setString(1, taskHub);
                ps.setLong(2, at);
                ps.setLong(3, at);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byActivity.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        tasks += rs.getLong(2);
                        oldestTask = oldestTask == null ? rs.getLong(3) : Math.min(oldestTask, rs.getLong(3));
                    }
                }
            }
            return new io.taskhub.ports.store.Backlog(messages, oldestMessage == null ? null
                    : Rows.instant(oldestMessage), byOrchestrator, tasks, oldestTask == null ? null
                    : Rows.instant(oldestTask), byActivity);
        }));
    }

    // ---- purge -----------------------------------------------------------------------------------------------------

    @Override
    public boolean purgeInstance(String instanceId, Set<RuntimeStatus> allowedStatuses) {
        return db.write(c -> {
            InstanceMetadata existing = rows.select(c, instanceId);
            if (existing == null || !allowedStatuses.contains(existing.runtimeStatus())) {
                return false;
            }
            rows.deleteAll(c, instanceId);
            return true;
        });
    }

    @Override
    public PurgeResult purgeInstances(PurgeFilter filter, int maxInstances) {
        return db.write(c -> {
            List<String> ids = queries.purgeCandidates(c, filter, maxInstances + 1);
            int deleted = Math.min(ids.size(), maxInstances);
            for (String id : ids.subList(0, deleted)) {
                rows.deleteAll(c, id);
            }
            return InstanceQueries.purgeResult(deleted, ids.size(), maxInstances);
        });
    }

    // ---- wake-ups ----------------------------------------------------------------------------------------------

    @Override
    public void awaitWork(Duration maxWait) throws InterruptedException {
        Claimed claimed = seenAtClaim.get();
        seenAtClaim.remove();
        if (claimed == null) {
            claimed = new Claimed(news.mark(null), now());
        }
        long wait = Math.min(maxWait.toMillis(), millisUntilNextDue(claimed.at()));
        if (wait > 0) {
            // In-process writes wake us at once; another process's writes are seen at the next due time or maxWait.
            news.await(claimed.news(), wait);
        }
    }

    /**
     * How long until work becomes visible (or a lease runs out) after {@code since}, the moment the last claim
     * looked: 0 when that already happened (the work became visible after the claim looked, so claim again).
     */
    private long millisUntilNextDue(Instant since) {
        Long next = db.read(c -> {
            // Only what comes after the claim looked: work visible then that it did not take is held by another
            // worker (its lease is among these times) or has a name this worker does not run; waiting for it
            // would spin.
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(t) FROM ("
                    + " SELECT MIN(visible_at) AS t FROM inbox WHERE task_hub = ?1 AND visible_at > ?2"
                    + " UNION ALL SELECT MIN(visible_at) FROM activity_tasks WHERE task_hub = ?1 AND lock_token IS NULL"
                    + " AND visible_at > ?2"
                    + " UNION ALL SELECT MIN(locked_until) FROM activity_tasks WHERE task_hub = ?1 AND locked_until > ?2"
                    + " UNION ALL SELECT MIN(locked_until) FROM instances WHERE task_hub = ?1 AND locked_until > ?2)")) {
                ps.setString(1, taskHub);
                ps.setLong(2, Rows.nanos(since));
                try (ResultSet rs = ps.executeQuery()) {
                    long value = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() ? null : value;
                }
            }
        });
        if (next == null) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, (next - Rows.nanos(now())) / 1_000_000 + 1);
    }

    @Override
    public void awaitInstanceChange(String instanceId, long knownRevision, Duration maxWait)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWait.toMillis();
        while (true) {
            long commits = db.commitCount();
            Optional<InstanceMetadata> current = getInstance(instanceId);
            long remaining = deadline - System.currentTimeMillis();
            if (current.isEmpty() || current.get().revision() != knownRevision || remaining <= 0) {
                return;
            }
            // Re-check now and then for changes made by another process on the same file.
            db.awaitCommitAfter(commits, Math.min(remaining, Math.max(1, otherProcessPoll.toMillis())));
        }
    }
}
