package io.taskhub.postgres;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Orchestration work items: claiming an instance's messages under a lease, and completing (one transaction per
 * checkpoint, fenced by the lease) or abandoning them.
 */
final class OrchestrationWork {
    /** The receipt of a work item: the inbox rows it delivered. */
    record InboxReceipt(List<Long> sequences) {
    }

    private record Delivered(long seq, InstanceMessage message, int dequeueCount) {
    }

    private final Tables t;
    private final String hubKey;
    private final MessageDelivery delivery;
    /** Package-private so that the query-plan test can check how PostgreSQL runs them. */
    final String claimSql;
    /** The claim for a worker that runs some names only: the same, with the names' condition. */
    final String claimNamedSql;
    /** The claim of instances whose names no live worker runs (to fail them once they have waited too long). */
    final String claimExceptSql;
    final String takeMessagesSql;
    /** The claim made with an activity's result: that one instance, if nobody holds it and it has work. */
    final String claimInstanceSql;
    final String claimInstanceNamedSql;
    /** The lock taken to commit a step computed elsewhere together with its activity's result. */
    final String lockIdleSql;

    OrchestrationWork(Tables tables, String hubKey, MessageDelivery delivery) {
        this.t = tables;
        this.hubKey = hubKey;
        this.delivery = delivery;
        // The instance whose oldest visible message is oldest among instances nobody holds (no lease, or an
        // expired one). SKIP LOCKED passes over rows that a concurrent claim or checkpoint holds right now, and
        // the row's lease is rechecked on the locked row, so two claims never get the same instance. NO KEY
        // UPDATE does not conflict with the KEY SHARE locks of transactions sending messages to the instance.
        this.claimSql = claimSql("");
        // A condition of its own rather than "names IS NULL OR ...": one generic plan per shape stays fast.
        this.claimNamedSql = claimSql(" AND lower(i.name) = ANY(?::text[])");
        this.claimExceptSql = claimSql(" AND lower(i.name) <> ALL(?::text[])");
        this.claimInstanceSql = claimInstanceSql("");
        this.claimInstanceNamedSql = claimInstanceSql(" AND lower(i.name) = ANY(?::text[])");
        this.lockIdleSql = "SELECT 1 FROM " + t.instances() + " i WHERE i.task_hub = ? AND i.instance_id = ?"
                + " AND i.revision = ? AND (i.locked_until IS NULL OR i.locked_until <= ?) AND NOT EXISTS (SELECT 1"
                + " FROM " + t.inbox() + " m WHERE m.task_hub = i.task_hub AND m.instance_id = i.instance_id"
                + " AND m.visible_at <= ?) FOR NO KEY UPDATE OF i SKIP LOCKED";
        this.takeMessagesSql = "WITH taken AS MATERIALIZED (SELECT seq AS taken_seq FROM " + t.inbox()
                + " WHERE task_hub = ? AND instance_id = ? AND visible_at <= ? ORDER BY seq LIMIT ?)"
                + " UPDATE " + t.inbox() + " SET dequeue_count = dequeue_count + 1 FROM taken"
                + " WHERE task_hub = ? AND seq = taken.taken_seq"
                + " RETURNING seq, execution_id, event, requested_visible_at, requested_visible_ns, dequeue_count";
    }

    private String claimSql(String namesCondition) {
        return "WITH candidate AS (SELECT i.instance_id AS candidate_id FROM " + t.inbox() + " m JOIN "
                + t.instances() + " i ON i.task_hub = m.task_hub AND i.instance_id = m.instance_id"
                + " WHERE m.task_hub = ? AND m.visible_at <= ? AND (i.locked_until IS NULL OR i.locked_until <= ?)"
                + namesCondition + " ORDER BY m.seq LIMIT 1 FOR NO KEY UPDATE OF i SKIP LOCKED)"
                + " UPDATE " + t.instances() + " SET lock_owner = ?, lock_token = ?, locked_until = ?"
                + " FROM candidate WHERE task_hub = ? AND instance_id = candidate.candidate_id"
                + " RETURNING " + InstanceRows.SELECT_COLUMNS;
    }

    private String claimInstanceSql(String namesCondition) {
        return "WITH candidate AS (SELECT i.instance_id AS candidate_id FROM " + t.instances() + " i"
                + " WHERE i.task_hub = ? AND i.instance_id = ? AND (i.locked_until IS NULL OR i.locked_until <= ?)"
                + namesCondition + " AND EXISTS (SELECT 1 FROM " + t.inbox() + " m WHERE m.task_hub = i.task_hub"
                + " AND m.instance_id = i.instance_id AND m.visible_at <= ?) FOR NO KEY UPDATE OF i SKIP LOCKED)"
                + " UPDATE " + t.instances() + " SET lock_owner = ?, lock_token = ?, locked_until = ?"
                + " FROM candidate WHERE task_hub = ? AND instance_id = candidate.candidate_id"
                + " RETURNING " + InstanceRows.SELECT_COLUMNS;
    }

    /**
     * The claim made with an activity's result ({@link InstanceClaim}): the instance, when nobody holds it (a
     * transaction holding its row is passed over, not waited for), its orchestrator is accepted and it has visible
     * messages.
     */
    Optional<OrchestrationWorkItem> claimInstance(Connection c, String instanceId, InstanceClaim claim, Instant now)
            throws SQLException {
        Lease lease = new Lease(claim.owner(), UUID.randomUUID().toString(), now.plus(claim.leaseDuration()));
        try (PreparedStatement ps = c.prepareStatement(claim.names().isAny() ? claimInstanceSql
                : claimInstanceNamedSql)) {
            int i = 1;
            ps.setString(i++, hubKey);
            ps.setString(i++, instanceId);
            PgTime.set(ps, i++, now);
            if (!claim.names().isAny()) {
                if (claim.names().isExcluding()) {
                    throw new IllegalArgumentException("A claim with a result names the orchestrators it accepts");
                }
                i = ActivityWork.bindNames(c, ps, i, claim.names());
            }
            PgTime.set(ps, i++, now);
            return lockAndTake(c, ps, i, lease, claim.maxMessages(), now);
        }
    }

    Optional<OrchestrationWorkItem> claim(Connection c, String owner, Duration leaseDuration, int maxMessages,
            NameFilter names, Instant now) throws SQLException {
        Lease lease = new Lease(owner, UUID.randomUUID().toString(), now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement(names.isAny() ? claimSql
                : names.isExcluding() ? claimExceptSql : claimNamedSql)) {
            int i = 1;
            ps.setString(i++, hubKey);
            PgTime.set(ps, i++, now);
            PgTime.set(ps, i++, now);
            i = ActivityWork.bindNames(c, ps, i, names);
            return lockAndTake(c, ps, i, lease, maxMessages, now);
        }
    }

    /**
     * Binds the lease from parameter {@code index} on (owner, token, expiry, hub) of a claim statement, runs it, and
     * takes the locked instance's messages; empty when the statement locked nothing.
     */
    private Optional<OrchestrationWorkItem> lockAndTake(Connection c, PreparedStatement claim, int index, Lease lease,
            int maxMessages, Instant now) throws SQLException {
        claim.setString(index, lease.owner());
        claim.setString(index + 1, lease.token());
        PgTime.set(claim, index + 2, lease.expiresAt());
        claim.setString(index + 3, hubKey);
        InstanceMetadata instance;
        try (ResultSet rs = claim.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            instance = InstanceRows.read(rs);
        }
        return Optional.of(takeMessages(c, instance, lease, maxMessages, now));
    }

    /** Delivers up to {@code maxMessages} visible messages of the instance just locked under {@code lease}. */
    private OrchestrationWorkItem takeMessages(Connection c, InstanceMetadata instance, Lease lease, int maxMessages,
            Instant now) throws SQLException {
        List<Delivered> delivered = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(takeMessagesSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, instance.instanceId());
            PgTime.set(ps, 3, now);
            ps.setInt(4, maxMessages);
            ps.setString(5, hubKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    InstanceMessage message = new InstanceMessage(instance.instanceId(), rs.getString("execution_id"),
                            JsonCodec.readEvent(rs.getString("event")),
                            PgTime.getExact(rs, "requested_visible_at", "requested_visible_ns"));
                    delivered.add(new Delivered(rs.getLong("seq"), message, rs.getInt("dequeue_count")));
                }
            }
        }
        delivered.sort(Comparator.comparingLong(Delivered::seq)); // RETURNING has no order of its own
        int dequeueCount = delivered.stream().mapToInt(Delivered::dequeueCount).max().orElse(1);
        return new OrchestrationWorkItem(instance.instanceId(), instance,
                delivered.stream().map(Delivered::message).toList(), dequeueCount, lease,
                new InboxReceipt(delivered.stream().map(Delivered::seq).toList()));
    }

    /** An expired lease that nobody took over is still the holder's, so renewing it checks only the token. */
    Lease renew(Connection c, OrchestrationWorkItem item, Duration leaseDuration, Instant now) throws SQLException {
        Lease renewed = item.lease().renewedUntil(now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET locked_until = ?"
                + " WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            PgTime.set(ps, 1, renewed.expiresAt());
            ps.setString(2, hubKey);
            ps.setString(3, item.instanceId());
            ps.setString(4, item.lease().token());
            if (ps.executeUpdate() == 0) {
                throw lost(item, "another worker claimed the instance, or it was purged or replaced");
            }
        }
        return renewed;
    }

    List<ActivityWorkItem> complete(Connection c, OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, Instant now, Notices notices) throws SQLException {
        InboxReceipt receipt = receiptOf(item);
        InstanceMetadata row = checkpoint.instance();
        if (row != null && !row.instanceId().equals(item.instanceId())) {
            throw new IllegalArgumentException("The checkpoint's instance row is for '" + row.instanceId()
                    + "' but the work item is for '" + item.instanceId() + "'.");
        }
        boolean changed = row != null || checkpoint.replaceHistory() || !checkpoint.history().isEmpty();
        Fenced fenced = releaseFenced(c, item, receipt, row, changed, now);
        appendHistory(c, item.instanceId(), fenced, checkpoint);
        List<ActivityWorkItem> handedOff = storeTasks(c, checkpoint.activityTasks(), handOff, now, notices);
        // Messages go last: a start message may replace this very instance, which must see the new row.
        delivery.deliver(c, checkpoint.messages(), now, false, notices);
        // Released with messages that arrived meanwhile: someone may take them now.
        notices.orchestrationWorkIfVisible(item.instanceId(), now);
        if (changed) {
            notices.instanceChanged(item.instanceId());
        }
        return handedOff;
    }

    /** Stores a step's tasks: the first the hand-off takes leased to the committer (returned), the rest for claims. */
    private List<ActivityWorkItem> storeTasks(Connection c, List<ActivityTask> tasks, TaskHandOff handOff,
            Instant now, Notices notices) throws SQLException {
        List<ActivityTask> forClaims = new ArrayList<>();
        List<ActivityTask> toHandOff = new ArrayList<>();
        for (ActivityTask task : tasks) {
            boolean handed = handOff != null && toHandOff.size() < handOff.maxTasks()
                    && handOff.names().accepts(task.name());
            (handed ? toHandOff : forClaims).add(task);
        }
        insertTasks(c, forClaims, now, notices);
        return insertLeasedTasks(c, toHandOff, handOff, now);
    }

    /**
     * Locks the instance for a step computed elsewhere from revision {@code expectedRevision}, if it may be
     * committed now: nobody holds the instance (a transaction holding its row is passed over), its revision is that
     * one, and no message of it is visible (the step would skip it).
     */
    boolean lockIdle(Connection c, String instanceId, long expectedRevision, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockIdleSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            ps.setLong(3, expectedRevision);
            PgTime.set(ps, 4, now);
            PgTime.set(ps, 5, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Commits a step computed elsewhere to an instance {@link #lockIdle} locked, in the same transaction. */
    List<ActivityWorkItem> applyStep(Connection c, String instanceId, Checkpoint step, TaskHandOff handOff,
            Instant now, Notices notices) throws SQLException {
        InstanceMetadata row = step.instance();
        boolean changed = row != null || step.replaceHistory() || !step.history().isEmpty();
        // An expired lease that lockIdle passed over is cleared, so its holder can neither renew nor commit.
        String set = (row != null ? InstanceRows.METADATA_ASSIGNMENTS + ", revision = revision + 1, "
                : changed ? "revision = revision + 1, " : "")
                + "lock_owner = NULL, lock_token = NULL, locked_until = NULL";
        Fenced updated;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " i SET " + set
                + " WHERE task_hub = ? AND instance_id = ? RETURNING execution_id, (SELECT coalesce(max(h.sequence)"
                + " + 1, 0) FROM " + t.history() + " h WHERE h.task_hub = i.task_hub"
                + " AND h.instance_id = i.instance_id)")) {
            int next = row != null ? InstanceRows.bindMetadata(ps, 1, row) : 1;
            ps.setString(next, hubKey);
            ps.setString(next + 1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                updated = new Fenced(rs.getString(1), rs.getInt(2));
            }
        }
        appendHistory(c, instanceId, updated, step);
        List<ActivityWorkItem> handedOff = storeTasks(c, step.activityTasks(), handOff, now, notices);
        delivery.deliver(c, step.messages(), now, false, notices);
        if (changed) {
            notices.instanceChanged(instanceId);
        }
        return handedOff;
    }

    /**
     * Inserts tasks already claimed by the committing worker (dequeue count 1, a lease each) in one statement;
     * nobody is told of them, since nobody else may take them before their leases run out.
     */
    private List<ActivityWorkItem> insertLeasedTasks(Connection c, List<ActivityTask> tasks, TaskHandOff handOff,
            Instant now) throws SQLException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        Instant expiresAt = now.plus(handOff.leaseDuration());
        String[] tokens = new String[tasks.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = UUID.randomUUID().toString();
        }
        List<ActivityWorkItem> handed = new ArrayList<>(tasks.size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.tasks() + " (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at, dequeue_count, lock_owner, lock_token,"
                + " locked_until) SELECT ?, n.instance_id, n.execution_id, n.task_id, n.name, n.input, ?, 1, ?,"
                + " n.token, ? FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])"
                + " WITH ORDINALITY AS n(instance_id, execution_id, task_id, name, input, token, ord) ORDER BY n.ord"
                + " RETURNING seq, lock_token")) {
            ps.setString(1, hubKey);
            PgTime.set(ps, 2, now);
            ps.setString(3, handOff.owner());
            PgTime.set(ps, 4, expiresAt);
            ps.setArray(5, c.createArrayOf("text", tasks.stream().map(ActivityTask::instanceId).toArray()));
            ps.setArray(6, c.createArrayOf("text", tasks.stream().map(ActivityTask::executionId).toArray()));
            ps.setArray(7, c.createArrayOf("int4", tasks.stream().map(ActivityTask::taskId).toArray()));
            ps.setArray(8, c.createArrayOf("text", tasks.stream().map(ActivityTask::name).toArray()));
            ps.setArray(9, c.createArrayOf("text", tasks.stream().map(ActivityTask::input).toArray()));
            ps.setArray(10, c.createArrayOf("text", tokens));
            java.util.Map<String, Long> seqByToken = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqByToken.put(rs.getString(2), rs.getLong(1));
                }
            }
            for (int i = 0; i < tasks.size(); i++) {
                handed.add(new ActivityWorkItem(tasks.get(i), 1, new Lease(handOff.owner(), tokens[i], expiresAt),
                        new ActivityWork.TaskReceipt(seqByToken.get(tokens[i]))));
            }
        }
        return handed;
    }

    /** What the fenced update found: the (new) execution id and the next free history sequence. */
    private record Fenced(String executionId, int nextSequence) {
    }

    /**
     * Consumes the delivered messages, writes the new row (if any) and releases the lease, in one statement
     * that changes the row only while the caller's lease holds; without it, the transaction is rolled back
     * (the message deletion with it). The row lock this takes keeps every other claim off the instance until
     * the checkpoint commits.
     */
    private Fenced releaseFenced(Connection c, OrchestrationWorkItem item, InboxReceipt receipt, InstanceMetadata row,
            boolean changed, Instant now) throws SQLException {
        String set = row != null ? InstanceRows.METADATA_ASSIGNMENTS + ", revision = revision + 1, "
                : changed ? "revision = revision + 1, " : "";
        try (PreparedStatement ps = c.prepareStatement("WITH consumed AS (DELETE FROM " + t.inbox()
                + " WHERE task_hub = ? AND instance_id = ? AND seq = ANY(?))"
                + " UPDATE " + t.instances() + " i SET " + set
                + "lock_owner = NULL, lock_token = NULL, locked_until = NULL"
                + " WHERE task_hub = ? AND instance_id = ? AND lock_token = ? AND locked_until > ?"
                + " RETURNING execution_id, (SELECT coalesce(max(h.sequence) + 1, 0) FROM " + t.history()
                + " h WHERE h.task_hub = i.task_hub AND h.instance_id = i.instance_id)")) {
            ps.setString(1, hubKey);
            ps.setString(2, item.instanceId());
            ps.setArray(3, c.createArrayOf("bigint", receipt.sequences().toArray()));
            int next = row != null ? InstanceRows.bindMetadata(ps, 4, row) : 4;
            ps.setString(next, hubKey);
            ps.setString(next + 1, item.instanceId());
            ps.setString(next + 2, item.lease().token());
            PgTime.set(ps, next + 3, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw lost(item, "the lease expired, or another worker claimed the instance, or it was purged"
                            + " or replaced");
                }
                return new Fenced(rs.getString(1), rs.getInt(2));
            }
        }
    }

    private void appendHistory(Connection c, String instanceId, Fenced fenced, Checkpoint checkpoint)
            throws SQLException {
        int next = fenced.nextSequence();
        if (checkpoint.replaceHistory()) {
            next = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.history()
                    + " WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
        }
        if (checkpoint.history().isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.history()
                + " (task_hub, instance_id, sequence, execution_id, event) VALUES (?, ?, ?, ?, ?)")) {
            for (HistoryEvent event : checkpoint.history()) {
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                ps.setInt(3, next++);
                ps.setString(4, fenced.executionId());
                ps.setString(5, JsonCodec.writeEvent(event));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void insertTasks(Connection c, List<ActivityTask> tasks, Instant now, Notices notices)
            throws SQLException {
        if (tasks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.tasks() + " (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (ActivityTask task : tasks) {
                ps.setString(1, hubKey);
                ps.setString(2, task.instanceId());
                ps.setString(3, task.executionId());
                ps.setInt(4, task.taskId());
                ps.setString(5, task.name());
                ps.setString(6, task.input());
                PgTime.set(ps, 7, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        notices.activityWork();
    }

    /** Releases the lease; the delivered messages come back after {@code retryDelay}. A lost lease is ignored. */
    void abandon(Connection c, OrchestrationWorkItem item, Duration retryDelay, Instant now, Notices notices)
            throws SQLException {
        InboxReceipt receipt = receiptOf(item);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET lock_owner = NULL,"
                + " lock_token = NULL, locked_until = NULL WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            ps.setString(1, hubKey);
            ps.setString(2, item.instanceId());
            ps.setString(3, item.lease().token());
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.inbox() + " SET visible_at = ?"
                + " WHERE task_hub = ? AND instance_id = ? AND seq = ANY(?)")) {
            PgTime.set(ps, 1, PgTime.ceil(now.plus(retryDelay)));
            ps.setString(2, hubKey);
            ps.setString(3, item.instanceId());
            ps.setArray(4, c.createArrayOf("bigint", receipt.sequences().toArray()));
            ps.executeUpdate();
        }
        notices.orchestrationWork();
    }

    private static InboxReceipt receiptOf(OrchestrationWorkItem item) {
        if (item.receipt() instanceof InboxReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("The work item for '" + item.instanceId()
                + "' was not claimed from a PostgreSQL store (receipt " + item.receipt() + ").");
    }

    private static LockLostException lost(OrchestrationWorkItem item, String why) {
        return new LockLostException("The lease on instance '" + item.instanceId() + "' held by '"
                + item.lease().owner() + "' is lost: " + why + ".");
    }
}
