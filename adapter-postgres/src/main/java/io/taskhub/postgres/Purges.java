package io.taskhub.postgres;

import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
            PgArrays.text(ps, 3, allowedStatuses.stream().map(Enum::name).toArray(String[]::new));
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
        List<String> deleted = new ArrayList<>();
        InstanceQueries.Sql chunk = chunkSql(filter, maxInstances);
        try (PreparedStatement ps = c.prepareStatement(chunk.text())) {
            chunk.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getString(1));
                }
            }
        }
        InstanceData.delete(c, t, hubKey, deleted);
        if (deleted.size() > 16) {
            notices.allInstancesChanged(); // one notification, not one per instance (a purge deletes thousands)
        } else {
            deleted.forEach(notices::instanceChanged);
        }
        boolean more;
        InstanceQueries.Sql remaining = remainingSql(filter);
        try (PreparedStatement ps = c.prepareStatement(remaining.text())) {
            remaining.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                more = rs.getBoolean(1);
            }
        }
        return new PurgeResult(deleted.size(), !more);
    }

    /**
     * Deletes one chunk of the oldest matching instances and returns their ids. The chunk is chosen once, in a
     * CTE: as an IN (subquery) the planner may rescan it per row, and each rescan would skip the rows this very
     * statement already deleted and pick further ones.
     */
    InstanceQueries.Sql chunkSql(PurgeFilter filter, int maxInstances) {
        List<Object> params = new ArrayList<>();
        String matching = matching(filter, params);
        params.add(maxInstances);
        params.add(hubKey);
        return new InstanceQueries.Sql("WITH chunk AS (SELECT instance_id AS doomed_id FROM " + t.instances()
                + matching + " ORDER BY created_at, instance_id LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " DELETE FROM " + t.instances() + " USING chunk WHERE task_hub = ? AND instance_id = chunk.doomed_id"
                + " RETURNING instance_id", params);
    }

    /**
     * Whether any matching instance is left after a chunk: one probe of the status index per status, so that
     * the last check of a purge, which finds nothing, does not read the whole table.
     */
    InstanceQueries.Sql remainingSql(PurgeFilter filter) {
        List<Object> params = new ArrayList<>();
        params.add(statusNames(filter));
        params.add(hubKey);
        String created = InstanceQueries.createdRange(filter.createdFrom(), filter.createdTo(), params);
        return new InstanceQueries.Sql("SELECT EXISTS (SELECT 1 FROM unnest(?::text[]) AS s(status) WHERE EXISTS"
                + " (SELECT 1 FROM " + t.instances() + " WHERE task_hub = ? AND runtime_status = s.status" + created
                + "))", params);
    }

    private String matching(PurgeFilter filter, List<Object> params) {
        params.add(hubKey);
        params.add(statusNames(filter));
        return " WHERE task_hub = ? AND runtime_status = ANY(?)"
                + InstanceQueries.createdRange(filter.createdFrom(), filter.createdTo(), params);
    }

    private static String[] statusNames(PurgeFilter filter) {
        return filter.statuses().stream().map(Enum::name).sorted().toArray(String[]::new);
    }

    /** Deletes every row of the task hub. */
    void deleteTaskHub(Connection c, Notices notices) throws SQLException {
        // The instances' counts go with them: their triggers record the deletions, and the counts' rows, summing to
        // zero now, are folded away later (deleting them here could take the count of an instance created meanwhile).
        // Where the schema holds this hub alone, each deletion reads a whole table: a pass over it in its order,
        // rather than the walk of an index the pool's planner settings would choose (Database.PLANNER_SETTINGS).
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL enable_seqscan = on");
        }
        for (String table : List.of(t.instances(), t.history(), t.inbox(), t.tasks(), t.workers())) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE task_hub = ?")) {
                ps.setString(1, hubKey);
                ps.executeUpdate();
            }
        }
        notices.allInstancesChanged();
    }
}
