package io.taskhub.postgres;

import io.taskhub.ports.model.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deleting instances with everything that belongs to them. The instance row goes first: deleting it waits for
 * a checkpoint in progress and for senders holding the row (FOR KEY SHARE), so no message or task can be
 * added for an instance after it is gone.
 */
final class Purges {
    private final Tables t;
    private final String hubKey;

    Purges(Tables tables, String hubKey) {
        this.t = tables;
        this.hubKey = hubKey;
    }

    boolean purgeInstance(Connection c, String instanceId, Set<RuntimeStatus> allowedStatuses, Notices notices)
            throws SQLException {
        if (allowedStatuses == null || allowedStatuses.isEmpty()) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.instances()
                + " WHERE task_hub = ? AND instance_id = ? AND runtime_status = ANY(?)")) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            ps.setArray(3, statuses(c, allowedStatuses));
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        InstanceData.delete(c, t, hubKey, List.of(instanceId));
        notices.instanceChanged(instanceId);
        return true;
    }

    /**
     * Deletes the oldest {@code maxInstances} matching instances. Instances locked by a transaction right now
     * are passed over (SKIP LOCKED) rather than waited for; they still match, so the result is then incomplete
     * and the next call takes them.
     */
    PurgeResult purgeInstances(Connection c, PurgeFilter filter, int maxInstances, Notices notices)
            throws SQLException {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1, was " + maxInstances);
        }
        if (filter.statuses().isEmpty()) {
            return PurgeResult.NONE;
        }
        String matching = " WHERE task_hub = ? AND runtime_status = ANY(?) AND created_at >= ?"
                + (filter.createdTo() == null ? "" : " AND created_at <= ?");
        List<String> deleted = new ArrayList<>();
        // The chunk is chosen once, in a CTE: as an IN (subquery) the planner may rescan it per row, and each
        // rescan would skip the rows this very statement already deleted and pick further ones.
        try (PreparedStatement ps = c.prepareStatement("WITH chunk AS (SELECT instance_id AS doomed_id FROM "
                + t.instances() + matching + " ORDER BY created_at, instance_id LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " DELETE FROM " + t.instances() + " USING chunk WHERE task_hub = ? AND instance_id = chunk.doomed_id"
                + " RETURNING instance_id")) {
            int next = bindFilter(c, ps, 1, filter);
            ps.setInt(next, maxInstances);
            ps.setString(next + 1, hubKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getString(1));
                }
            }
        }
        InstanceData.delete(c, t, hubKey, deleted);
        deleted.forEach(notices::instanceChanged);
        boolean more;
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + t.instances() + matching
                + ")")) {
            bindFilter(c, ps, 1, filter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                more = rs.getBoolean(1);
            }
        }
        return new PurgeResult(deleted.size(), !more);
    }

    private int bindFilter(Connection c, PreparedStatement ps, int index, PurgeFilter filter) throws SQLException {
        ps.setString(index++, hubKey);
        ps.setArray(index++, statuses(c, filter.statuses()));
        PgTime.set(ps, index++, PgTime.ceil(filter.createdFrom()));
        if (filter.createdTo() != null) {
            PgTime.set(ps, index++, filter.createdTo());
        }
        return index;
    }

    /** Deletes every row of the task hub. */
    void deleteTaskHub(Connection c, Notices notices) throws SQLException {
        for (String table : List.of(t.instances(), t.history(), t.inbox(), t.tasks())) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE task_hub = ?")) {
                ps.setString(1, hubKey);
                ps.executeUpdate();
            }
        }
        notices.allInstancesChanged();
    }

    private static java.sql.Array statuses(Connection c, Set<RuntimeStatus> statuses) throws SQLException {
        return c.createArrayOf("text", statuses.stream().map(Enum::name).toArray());
    }
}
