package io.taskhub.sqlite;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

/**
 * Activity work items on SQLite: the oldest visible task nobody holds, claimed under a lease; every write that
 * needs the lease checks it in its own statement.
 */
final class ActivityWork {
    private final String taskHub;
    private final InstanceWrites rows;

    ActivityWork(String taskHub, InstanceWrites rows) {
        this.taskHub = taskHub;
        this.rows = rows;
    }

    /**
     * The first free visible task, in the order of ix_tasks_visible, so that the read ends at the first free task
     * (past the few held ones before it): ordered by seq alone, every visible task was read and sorted for each
     * claim (a fan-out of 10,000 made its claims cost 10,000 rows each).
     */
    static String claimSql(NameFilter names) {
        return "SELECT seq, instance_id, execution_id, task_id, name, input, dequeue_count, trace_parent"
                + " FROM activity_tasks"
                + " WHERE task_hub = ? AND visible_at <= ? AND (lock_token IS NULL OR locked_until <= ?)"
                + NameConditions.condition("name", names) + " ORDER BY visible_at, seq LIMIT 1";
    }

    ActivityWorkItem claim(Connection c, String owner, Duration leaseDuration, NameFilter names, Instant now)
            throws SQLException {
        long at = Rows.nanos(now);
        long seq;
        ActivityTask task;
        int dequeueCount;
        try (PreparedStatement ps = c.prepareStatement(claimSql(names))) {
            ps.setString(1, taskHub);
            ps.setLong(2, at);
            ps.setLong(3, at);
            NameConditions.bind(ps, 4, names);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                seq = rs.getLong(1);
                task = new ActivityTask(rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getString(6), rs.getString(8));
                dequeueCount = rs.getInt(7) + 1;
            }
        }
        Lease lease = new Lease(owner, UUID.randomUUID().toString(), now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement("UPDATE activity_tasks SET lock_owner = ?, lock_token = ?,"
                + " locked_until = ?, dequeue_count = dequeue_count + 1 WHERE task_hub = ? AND seq = ?"
                + " AND (lock_token IS NULL OR locked_until <= ?)")) {
            ps.setString(1, lease.owner());
            ps.setString(2, lease.token());
            ps.setLong(3, Rows.nanos(lease.expiresAt()));
            ps.setString(4, taskHub);
            ps.setLong(5, seq);
            ps.setLong(6, at);
            if (ps.executeUpdate() == 0) {
                return null; // taken by another claim in between
            }
        }
        return new ActivityWorkItem(task, dequeueCount, lease, seq);
    }

    void renew(Connection c, ActivityWorkItem item, Instant until, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE activity_tasks SET locked_until = ?"
                + " WHERE task_hub = ? AND seq = ? AND lock_token = ? AND locked_until > ?")) {
            ps.setLong(1, Rows.nanos(until));
            ps.setString(2, taskHub);
            ps.setLong(3, (Long) item.receipt());
            ps.setString(4, item.lease().token());
            ps.setLong(5, Rows.nanos(now));
            if (ps.executeUpdate() == 0) {
                throw new LockLostException("The lease on activity task '" + item.task().name() + "' of instance '"
                        + item.task().instanceId() + "' expired or was taken by another worker.");
            }
        }
    }

    void complete(Connection c, ActivityWorkItem item, InstanceMessage result, Instant now) throws SQLException {
        deleteFenced(c, item, now);
        rows.send(c, List.of(result), now, true, new HashMap<>());
    }

    /** Deletes the task while this lease holds it; else throws {@link LockLostException} (nothing changed). */
    void deleteFenced(Connection c, ActivityWorkItem item, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM activity_tasks WHERE task_hub = ? AND seq = ?"
                + " AND lock_token = ? AND locked_until > ?")) {
            ps.setString(1, taskHub);
            ps.setLong(2, (Long) item.receipt());
            ps.setString(3, item.lease().token());
            ps.setLong(4, Rows.nanos(now));
            if (ps.executeUpdate() == 0) {
                throw new LockLostException("The lease on activity '" + item.task().name() + "' of instance '"
                        + item.task().instanceId() + "' expired or was taken by another worker.");
            }
        }
    }

    /** Releases the task and delays it; {@code counted} false takes back the claim's raise of its dequeue count. */
    void abandon(Connection c, ActivityWorkItem item, Duration retryDelay, Instant now, boolean counted)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE activity_tasks SET visible_at = ?,"
                + " lock_owner = NULL, lock_token = NULL, locked_until = NULL"
                + (counted ? "" : ", dequeue_count = MAX(dequeue_count - 1, 0)")
                + " WHERE task_hub = ? AND seq = ? AND lock_token = ?")) {
            ps.setLong(1, Rows.nanos(now.plus(retryDelay)));
            ps.setString(2, taskHub);
            ps.setLong(3, (Long) item.receipt());
            ps.setString(4, item.lease().token());
            ps.executeUpdate();
        }
    }
}
