package io.taskhub.sqlite;

import io.taskhub.ports.errors.LockLostException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Orchestration work items on SQLite: claiming an instance with its visible messages, renewing, committing a
 * checkpoint and abandoning. Every write that needs the lease says so in its own {@code WHERE} (the lease's token,
 * not expired), so correctness does not rest on there being one writer.
 */
final class OrchestrationWork {
    /** Which messages a work item delivered, and the claim's token. */
    record Receipt(String token, List<Long> seqs) {
    }

    /**
     * What a step's commit did that concerns waiting workers: the tasks handed to the committer, whether it stored
     * tasks for claiming, and whether it left orchestration work (messages it sent, or messages of this instance that
     * arrived while it was held).
     */
    record Committed(List<ActivityWorkItem> handedOff, boolean tasksForClaims, boolean orchestrationWork) {
    }

    private final String taskHub;
    private final InstanceWrites rows;

    OrchestrationWork(String taskHub, InstanceWrites rows) {
        this.taskHub = taskHub;
        this.rows = rows;
    }

    /**
     * The instance of the first visible message whose instance is free, in the order of ix_inbox_visible (whose
     * entries end with the rowid, seq), so that the first such message ends the read instead of every visible
     * message being read and sorted.
     */
    static String claimSql(NameFilter names) {
        return "SELECT m.instance_id FROM inbox m JOIN instances i ON i.task_hub = m.task_hub"
                + " AND i.instance_id = m.instance_id WHERE m.task_hub = ? AND m.visible_at <= ?"
                + " AND (i.lock_token IS NULL OR i.locked_until <= ?)" + NameConditions.condition("i.name", names)
                + " ORDER BY m.visible_at, m.seq LIMIT 1";
    }

    Taken claim(Connection c, String owner, Duration leaseDuration, int maxMessages,
            NameFilter names, Instant now) throws SQLException {
        long at = Rows.nanos(now);
        String instanceId;
        try (PreparedStatement ps = c.prepareStatement(claimSql(names))) {
            ps.setString(1, taskHub);
            ps.setLong(2, at);
            ps.setLong(3, at);
            NameConditions.bind(ps, 4, names);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                instanceId = rs.getString(1);
            }
        }
        return lockAndTake(c, instanceId, owner, leaseDuration, maxMessages, now);
    }

    /**
     * The claim made with an activity's result ({@link InstanceClaim}): the instance, if nobody holds it, its
     * orchestrator is accepted and it has visible messages; else null.
     */
    Taken claimInstance(Connection c, String instanceId, InstanceClaim claim, Instant now)
            throws SQLException {
        InstanceMetadata instance = rows.select(c, instanceId);
        if (instance == null || !claim.names().accepts(instance.name())) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbox WHERE task_hub = ? AND instance_id = ?"
                + " AND visible_at <= ? LIMIT 1")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setLong(3, Rows.nanos(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        return lockAndTake(c, instanceId, claim.owner(), claim.leaseDuration(), claim.maxMessages(), now);
    }

    /** The claim of an instance created in this same write, its start visible: nobody can hold it yet. */
    Taken claimCreated(Connection c, String instanceId, InstanceClaim claim, Instant now)
            throws SQLException {
        return lockAndTake(c, instanceId, claim.owner(), claim.leaseDuration(), claim.maxMessages(), now);
    }

    /** A message as taken from the inbox, its event still JSON. */
    record TakenMessage(String executionId, String event, Instant requested) {
    }

    /**
     * A claim as the write made it, its messages' events still JSON: they are read into events by {@link #item()},
     * on the thread that asked for the claim, after the write, not on the database's one writer thread, which every
     * write waits for ({@link EncodedCheckpoint}).
     */
    record Taken(String instanceId, InstanceMetadata instance, List<TakenMessage> messages, int dequeueCount,
            Lease lease, Receipt receipt) {
        OrchestrationWorkItem item() {
            List<InstanceMessage> read = new ArrayList<>(messages.size());
            for (TakenMessage m : messages) {
                read.add(new InstanceMessage(instanceId, m.executionId(), JsonCodec.readEvent(m.event()),
                        m.requested()));
            }
            return new OrchestrationWorkItem(instanceId, instance, read, dequeueCount, lease, receipt);
        }
    }

    /** Locks the instance under a new lease and takes its visible messages; null when a live lease holds it. */
    private Taken lockAndTake(Connection c, String instanceId, String owner, Duration leaseDuration,
            int maxMessages, Instant now) throws SQLException {
        long at = Rows.nanos(now);
        Lease lease = new Lease(owner, UUID.randomUUID().toString(), now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET lock_owner = ?, lock_token = ?,"
                + " locked_until = ? WHERE task_hub = ? AND instance_id = ?"
                + " AND (lock_token IS NULL OR locked_until <= ?)")) {
            ps.setString(1, lease.owner());
            ps.setString(2, lease.token());
            ps.setLong(3, Rows.nanos(lease.expiresAt()));
            ps.setString(4, taskHub);
            ps.setString(5, instanceId);
            ps.setLong(6, at);
            if (ps.executeUpdate() == 0) {
                return null; // locked by another claim in between
            }
        }
        List<Long> seqs = new ArrayList<>();
        List<TakenMessage> messages = new ArrayList<>();
        int dequeueCount = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, execution_id, event, dequeue_count, requested_at"
                + " FROM inbox WHERE task_hub = ? AND instance_id = ? AND visible_at <= ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setLong(3, at);
            ps.setInt(4, maxMessages);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    long requestedNanos = rs.getLong(5);
                    Instant requested = rs.wasNull() ? null : Rows.instant(requestedNanos);
                    messages.add(new TakenMessage(rs.getString(2), rs.getString(3), requested));
                    dequeueCount = Math.max(dequeueCount, rs.getInt(4) + 1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE inbox SET dequeue_count = dequeue_count + 1"
                + " WHERE seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        InstanceMetadata instance = rows.select(c, instanceId);
        return new Taken(instanceId, instance, messages, dequeueCount, lease, new Receipt(lease.token(), seqs));
    }

    void renew(Connection c, OrchestrationWorkItem item, Instant until, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET locked_until = ?"
                + " WHERE task_hub = ? AND instance_id = ? AND lock_token = ? AND locked_until > ?")) {
            ps.setLong(1, Rows.nanos(until));
            ps.setString(2, taskHub);
            ps.setString(3, item.instanceId());
            ps.setString(4, item.lease().token());
            ps.setLong(5, Rows.nanos(now));
            if (ps.executeUpdate() == 0) {
                throw new LockLostException("The lease on instance '" + item.instanceId()
                        + "' expired or was taken by another worker.");
            }
        }
    }

    Committed complete(Connection c, OrchestrationWorkItem item, EncodedCheckpoint encoded, TaskHandOff handOff,
            Instant now) throws SQLException {
        Checkpoint checkpoint = encoded.checkpoint();
        Receipt receipt = (Receipt) item.receipt();
        requireLease(c, item.instanceId(), receipt.token(), now);
        String executionId = checkpoint.instance() != null ? checkpoint.instance().executionId()
                : rows.select(c, item.instanceId()).executionId();
        rows.appendHistory(c, item.instanceId(), executionId, encoded.history(), checkpoint.replaceHistory());
        if (checkpoint.instance() != null) {
            rows.updateAndUnlock(c, checkpoint.instance());
        } else {
            rows.unlock(c, item.instanceId(), receipt.token());
        }
        List<ActivityTask> forClaims = new ArrayList<>();
        List<ActivityWorkItem> handedOff = storeTasks(c, checkpoint.activityTasks(), handOff, forClaims, now);
        Map<String, Boolean> known = new HashMap<>();
        known.put(item.instanceId(), true);
        rows.send(c, checkpoint.messages(), now, true, known);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM inbox WHERE seq = ?")) {
            for (long seq : receipt.seqs()) {
                ps.setLong(1, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        boolean arrivedMeanwhile;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbox WHERE task_hub = ? AND instance_id = ?"
                + " AND visible_at <= ? LIMIT 1")) {
            ps.setString(1, taskHub);
            ps.setString(2, item.instanceId());
            ps.setLong(3, Rows.nanos(now));
            try (ResultSet rs = ps.executeQuery()) {
                arrivedMeanwhile = rs.next();
            }
        }
        return new Committed(handedOff, !forClaims.isEmpty(), arrivedMeanwhile || !checkpoint.messages().isEmpty());
    }

    /**
     * Stores a step's tasks: the first the hand-off takes leased to the committer (returned), the rest for claims
     * (added to {@code forClaims}).
     */
    private List<ActivityWorkItem> storeTasks(Connection c, List<ActivityTask> tasks, TaskHandOff handOff,
            List<ActivityTask> forClaims, Instant now) throws SQLException {
        List<ActivityWorkItem> handedOff = new ArrayList<>();
        for (ActivityTask task : tasks) {
            if (handOff != null && handedOff.size() < handOff.maxTasks() && handOff.names().accepts(task.name())) {
                handedOff.add(rows.insertLeasedTask(c, task, new Lease(handOff.owner(), UUID.randomUUID().toString(),
                        now.plus(handOff.leaseDuration())), now));
            } else {
                forClaims.add(task);
            }
        }
        rows.insertTasks(c, forClaims, now);
        return handedOff;
    }

    /**
     * Whether a step computed elsewhere from revision {@code expectedRevision} may be committed now: nobody holds
     * the instance, its revision is that one, and no message of it is visible (the step would skip it).
     */
    boolean isIdleAt(Connection c, String instanceId, long expectedRevision, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM instances i WHERE i.task_hub = ?"
                + " AND i.instance_id = ? AND i.revision = ? AND (i.lock_token IS NULL OR i.locked_until <= ?)"
                + " AND NOT EXISTS (SELECT 1 FROM inbox m WHERE m.task_hub = i.task_hub"
                + " AND m.instance_id = i.instance_id AND m.visible_at <= ?)")) {
            long at = Rows.nanos(now);
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setLong(3, expectedRevision);
            ps.setLong(4, at);
            ps.setLong(5, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Commits a step computed elsewhere to an instance {@link #isIdleAt} approved, in the same transaction. */
    Committed applyStep(Connection c, String instanceId, EncodedCheckpoint encoded, TaskHandOff handOff,
            Instant now) throws SQLException {
        Checkpoint step = encoded.checkpoint();
        String executionId = step.instance() != null ? step.instance().executionId()
                : rows.select(c, instanceId).executionId();
        rows.appendHistory(c, instanceId, executionId, encoded.history(), step.replaceHistory());
        if (step.instance() != null) {
            rows.updateAndUnlock(c, step.instance());
        }
        List<ActivityTask> forClaims = new ArrayList<>();
        List<ActivityWorkItem> handedOff = storeTasks(c, step.activityTasks(), handOff, forClaims, now);
        Map<String, Boolean> known = new HashMap<>();
        known.put(instanceId, true);
        rows.send(c, step.messages(), now, true, known);
        return new Committed(handedOff, !forClaims.isEmpty(), !step.messages().isEmpty());
    }

    /**
     * Releases the instance and delays its messages, only while this claim still holds it; {@code counted} false
     * takes back the claim's raise of their dequeue counts.
     */
    void abandon(Connection c, OrchestrationWorkItem item, Duration retryDelay, Instant now, boolean counted)
            throws SQLException {
        Receipt receipt = (Receipt) item.receipt();
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET lock_owner = NULL, lock_token = NULL,"
                + " locked_until = NULL WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, item.instanceId());
            ps.setString(3, receipt.token());
            if (ps.executeUpdate() == 0) {
                return; // another claim holds it now: its messages are not this work item's to delay
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE inbox SET visible_at = ?"
                + (counted ? "" : ", dequeue_count = MAX(dequeue_count - 1, 0)") + " WHERE seq = ?")) {
            long visibleAt = Rows.nanos(now.plus(retryDelay));
            for (long seq : receipt.seqs()) {
                ps.setLong(1, visibleAt);
                ps.setLong(2, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The fence of a commit, in the statement itself: it touches the row only while this lease holds it, and
     * what follows in the same transaction is refused otherwise.
     */
    private void requireLease(Connection c, String instanceId, String token, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET lock_token = lock_token"
                + " WHERE task_hub = ? AND instance_id = ? AND lock_token = ? AND locked_until > ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setString(3, token);
            ps.setLong(4, Rows.nanos(now));
            if (ps.executeUpdate() == 0) {
                throw new LockLostException("The lease on instance '" + instanceId
                        + "' expired or was taken by another worker; the step was not committed.");
            }
        }
    }
}
