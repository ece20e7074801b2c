package io.taskhub.sqlite;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Row-level writes of one task hub, run inside the caller's write transaction. */
final class InstanceWrites {
    private final String taskHub;

    InstanceWrites(String taskHub) {
        this.taskHub = taskHub;
    }

    InstanceMetadata select(Connection c, String instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.INSTANCE_COLUMNS
                + " FROM instances WHERE task_hub = ? AND instance_id = ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.instance(rs) : null;
            }
        }
    }

    void insert(Connection c, InstanceMetadata m, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances (task_hub, " + Rows.INSTANCE_COLUMNS
                + ") VALUES (?" + ", ?".repeat(Rows.INSTANCE_COLUMN_COUNT) + ")")) {
            ps.setString(1, taskHub);
            Rows.bind(ps, 2, m, revision);
            ps.executeUpdate();
        }
    }

    /** Writes the row with revision + 1 and releases the lock. */
    void updateAndUnlock(Connection c, InstanceMetadata m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET execution_id = ?, name = ?,"
                + " version = ?, runtime_status = ?, input = ?, output = ?, custom_status = ?, failure = ?,"
                + " last_updated_at = ?, completed_at = ?, scheduled_start_at = ?, tags = ?,"
                + " revision = revision + 1, lock_owner = NULL, lock_token = NULL, locked_until = NULL"
                + " WHERE task_hub = ? AND instance_id = ?")) {
            int i = 1;
            ps.setString(i++, m.executionId());
            ps.setString(i++, m.name());
            ps.setString(i++, m.version());
            ps.setString(i++, m.runtimeStatus().name());
            ps.setString(i++, m.input());
            ps.setString(i++, m.output());
            ps.setString(i++, m.customStatus());
            ps.setString(i++, JsonCodec.writeFailure(m.failure()));
            ps.setLong(i++, Rows.nanos(m.lastUpdatedAt()));
            setNullableNanos(ps, i++, m.completedAt());
            setNullableNanos(ps, i++, m.scheduledStartAt());
            ps.setString(i++, JsonCodec.writeTags(m.tags()));
            ps.setString(i++, taskHub);
            ps.setString(i, m.instanceId());
            ps.executeUpdate();
        }
    }

    void unlock(Connection c, String instanceId, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET lock_owner = NULL, lock_token = NULL,"
                + " locked_until = NULL WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setString(3, token);
            ps.executeUpdate();
        }
    }

    /** Deletes the instance row and everything that belongs to it. */
    void deleteAll(Connection c, String instanceId) throws SQLException {
        for (String table : List.of("history", "inbox", "activity_tasks", "instances")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                    + " WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, taskHub);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
        }
    }

    boolean exists(Connection c, String instanceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM instances WHERE task_hub = ? AND instance_id = ?")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Applies the start message's condition: create when absent, enqueue for the same execution, replace an
     * instance in one of the statuses the message replaces, else drop. Returns whether the message was enqueued.
     */
    boolean start(Connection c, String instanceId, ExecutionStarted started, Instant requested,
            Set<RuntimeStatus> replaces, Instant now) throws SQLException {
        InstanceMetadata existing = select(c, instanceId);
        if (existing == null) {
            insert(c, pending(instanceId, started, now), 1);
        } else if (existing.executionId().equals(started.executionId())) {
            // the instance already moved to this execution (continue-as-new): just deliver the start
        } else if (replaces.contains(existing.runtimeStatus())) {
            replace(c, existing, started, now);
        } else {
            return false;
        }
        enqueue(c, instanceId, started.executionId(), JsonCodec.writeEvent(started),
                requested != null ? requested : started.scheduledStartAt(), now);
        return true;
    }

    /** Deletes the old instance's data and inserts the new execution, with a revision that keeps growing. */
    void replace(Connection c, InstanceMetadata existing, ExecutionStarted started, Instant now) throws SQLException {
        deleteAll(c, existing.instanceId());
        insert(c, pending(existing.instanceId(), started, now), existing.revision() + 1);
    }

    static InstanceMetadata pending(String instanceId, ExecutionStarted s, Instant now) {
        return new InstanceMetadata(instanceId, s.name(), s.version(), s.executionId(), RuntimeStatus.Pending,
                s.input(), null, null, null, now, now, null, s.scheduledStartAt(), s.parent(), s.tags(), 1);
    }

    /**
     * Enqueues a message, its event already written as JSON ({@link JsonCodec#writeEvent}); {@code requested} is
     * the visibility its sender asked for (null: at once).
     */
    void enqueue(Connection c, String instanceId, String executionId, String eventJson, Instant requested,
            Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox (task_hub, instance_id, execution_id,"
                + " event, visible_at, requested_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, taskHub);
            ps.setString(2, instanceId);
            ps.setString(3, executionId);
            ps.setString(4, eventJson);
            ps.setLong(5, Rows.nanos(requested != null ? requested : now));
            setNullableNanos(ps, 6, requested);
            ps.executeUpdate();
        }
    }

    /** Sends messages as the SPI describes; messages to missing instances are dropped when {@code dropMissing}. */
    void send(Connection c, List<InstanceMessage> messages, Instant now, boolean dropMissing,
            Map<String, Boolean> knownToExist) throws SQLException {
        for (InstanceMessage message : messages) {
            if (message.event() instanceof ExecutionStarted started) {
                start(c, message.instanceId(), started, message.visibleAt(), message.replaces(), now);
                knownToExist.put(message.instanceId(), true);
                continue;
            }
            Boolean exists = knownToExist.get(message.instanceId());
            if (exists == null) {
                exists = exists(c, message.instanceId());
                knownToExist.put(message.instanceId(), exists);
            }
            if (!exists) {
                if (dropMissing) {
                    continue;
                }
                throw new io.taskhub.ports.errors.InstanceNotFoundException(message.instanceId());
            }
            enqueue(c, message.instanceId(), message.executionId(), JsonCodec.writeEvent(message.event()),
                    message.visibleAt(), now);
        }
    }

    /** Appends (or with {@code replace}, writes anew) history events already written as JSON. */
    void appendHistory(Connection c, String instanceId, String executionId, List<String> events,
            boolean replace) throws SQLException {
        long next = 0;
        if (replace) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM history WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, taskHub);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(sequence) + 1, 0) FROM history"
                    + " WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, taskHub);
                ps.setString(2, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    next = rs.getLong(1);
                }
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO history (task_hub, instance_id, sequence,"
                + " execution_id, event) VALUES (?, ?, ?, ?, ?)")) {
            for (String event : events) {
                ps.setString(1, taskHub);
                ps.setString(2, instanceId);
                ps.setLong(3, next++);
                ps.setString(4, executionId);
                ps.setString(5, event);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void insertTasks(Connection c, List<ActivityTask> tasks, Instant now) throws SQLException {
        if (tasks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO activity_tasks (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ActivityTask task : tasks) {
                ps.setString(1, taskHub);
                ps.setString(2, task.instanceId());
                ps.setString(3, task.executionId());
                ps.setInt(4, task.taskId());
                ps.setString(5, task.name());
                ps.setString(6, task.input());
                ps.setLong(7, Rows.nanos(now));
                ps.setString(8, task.traceParent());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Inserts a task already claimed under {@code lease} (handed off by its step's commit); returns it as claimed. */
    ActivityWorkItem insertLeasedTask(Connection c, ActivityTask task, Lease lease, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO activity_tasks (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at, dequeue_count, lock_owner, lock_token,"
                + " locked_until, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)")) {
            ps.setString(1, taskHub);
            ps.setString(2, task.instanceId());
            ps.setString(3, task.executionId());
            ps.setInt(4, task.taskId());
            ps.setString(5, task.name());
            ps.setString(6, task.input());
            ps.setLong(7, Rows.nanos(now));
            ps.setString(8, lease.owner());
            ps.setString(9, lease.token());
            ps.setLong(10, Rows.nanos(lease.expiresAt()));
            ps.setString(11, task.traceParent());
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return new ActivityWorkItem(task, 1, lease, rs.getLong(1));
        }
    }

    private static void setNullableNanos(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.INTEGER);
        } else {
            ps.setLong(index, Rows.nanos(value));
        }
    }
}
