package io.taskhub.postgres;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskScheduled;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the activities handed without task rows (V18) to a process that no longer announces itself back to
 * everyone: for each instance with entries of such an owner, a task row anyone may claim for each entry of the
 * instance's current execution, made from the history's {@code TaskScheduled} (an entry is there until its result
 * is recorded, which removes it in the same statement, so none of them has a result). The entries and the owner go
 * in the same transaction, so the late result of a process that was only slow finds no entry and is dropped.
 *
 * <p>A housekeeping chore of every process on the schema: the owner is dead for all of them at once, and each
 * instance is taken under its row's lock, so two processes recovering together make each row once.
 */
final class HandOffRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(HandOffRecovery.class);
    /** The instances of one owner read at a time. */
    private static final int BATCH = 100;

    private final Database db;
    private final Tables t;
    private final NotificationRelay relay;
    private final String deadOwnersSql;

    HandOffRecovery(Database db, NotificationRelay relay) {
        this.db = db;
        this.t = new Tables(db.config().schema());
        this.relay = relay;
        this.deadOwnersSql = deadOwnersSql(t);
    }

    /**
     * The owners with instances whose workers all stopped announcing themselves (its parameter: now): one index look
     * per owner (a loose scan of ix_instances_handed_owner), however many instances each has.
     */
    static String deadOwnersSql(Tables t) {
        return "WITH RECURSIVE o AS ((SELECT task_hub, handed_owner FROM " + t.instances()
                + " WHERE handed_owner IS NOT NULL ORDER BY task_hub, handed_owner LIMIT 1) UNION ALL"
                + " SELECT n.task_hub, n.handed_owner FROM o CROSS JOIN LATERAL (SELECT i.task_hub, i.handed_owner"
                + " FROM " + t.instances() + " i WHERE i.handed_owner IS NOT NULL"
                + " AND (i.task_hub, i.handed_owner) > (o.task_hub, o.handed_owner)"
                + " ORDER BY i.task_hub, i.handed_owner LIMIT 1) n)"
                + " SELECT o.task_hub, o.handed_owner FROM o WHERE NOT EXISTS (SELECT 1 FROM " + t.workers() + " w"
                + " WHERE w.task_hub = o.task_hub AND w.incarnation = o.handed_owner AND w.expires_at > ?)";
    }

    /** One owner of handed activities, in one hub. */
    record Owner(String hubKey, String incarnation) {
    }

    /**
     * A housekeeping round (every 2 s): an announcement lasts a lease, or 30 s with the default and longer leases,
     * so a dead process's activities move on within a round of when its claimed work would. Where no instance has
     * an owner the look is one probe of an empty index.
     */
    void recoverQuietly() {
        try {
            recover();
        } catch (RuntimeException e) {
            LOG.warn("Could not give back the activities handed to a stopped process yet ({}); trying again soon.",
                    e.toString());
        }
    }

    /** Recovers every instance of every owner that announces no live worker; returns how many had entries. */
    int recover() {
        Instant now = PgTime.truncate(Instant.now());
        int recovered = 0;
        for (Owner owner : db.alone(c -> deadOwners(c, now))) {
            List<String> ids;
            do {
                ids = db.alone(c -> instancesOf(c, owner));
                for (String id : ids) {
                    recovered += recover(owner, id, now) ? 1 : 0;
                }
            } while (ids.size() == BATCH);
        }
        return recovered;
    }

    private List<Owner> deadOwners(Connection c, Instant now) throws SQLException {
        List<Owner> dead = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(deadOwnersSql)) {
            PgTime.set(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(new Owner(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return dead;
    }

    private List<String> instancesOf(Connection c, Owner owner) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT instance_id FROM " + t.instances()
                + " WHERE task_hub = ? AND handed_owner = ? LIMIT " + BATCH)) {
            ps.setString(1, owner.hubKey());
            ps.setString(2, owner.incarnation());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** One instance, under its row's lock: its entries become task rows, and it has no owner any more. */
    private boolean recover(Owner owner, String instanceId, Instant now) {
        int made = db.inTransaction(c -> {
            String executionId;
            String[] entries;
            try (PreparedStatement ps = c.prepareStatement("SELECT execution_id, handed FROM " + t.instances()
                    + " WHERE task_hub = ? AND instance_id = ? AND handed_owner = ? FOR UPDATE")) {
                ps.setString(1, owner.hubKey());
                ps.setString(2, instanceId);
                ps.setString(3, owner.incarnation());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return -1; // taken meanwhile by another process, or finished
                    }
                    executionId = rs.getString(1);
                    Array handed = rs.getArray(2);
                    entries = handed == null ? new String[0] : (String[]) handed.getArray();
                }
            }
            int rows = entries.length == 0 ? 0 : insertTasks(c, owner.hubKey(), instanceId, executionId, entries, now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET handed = NULL,"
                    + " handed_owner = NULL WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, owner.hubKey());
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
            return rows;
        });
        if (made > 0) {
            Notices notices = new Notices(t.schema(), owner.hubKey());
            notices.activityWork();
            relay.publish(notices.take());
            LOG.info("Gave back {} activities of instance '{}' handed to a process that stopped announcing itself.",
                    made, instanceId);
        }
        return made > 0;
    }

    /** A task row anyone may claim for each entry of the current execution; returns how many. */
    private int insertTasks(Connection c, String hubKey, String instanceId, String executionId, String[] entries,
            Instant now) throws SQLException {
        List<HistoryEvent> history = InstanceData.history(c, t, hubKey, instanceId);
        Map<Integer, TaskScheduled> scheduled = new HashMap<>();
        String traceParent = null;
        for (HistoryEvent event : history) {
            if (event instanceof TaskScheduled task) {
                scheduled.put(task.taskId(), task);
            } else if (event instanceof ExecutionStarted started && traceParent == null) {
                traceParent = started.traceParent();
            }
        }
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.tasks() + " (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at, dequeue_count, trace_parent)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")) {
            for (String entry : entries) {
                String[] parts = entry.split(" ");
                if (parts.length != 3 || !parts[0].equals(executionId)) {
                    continue; // an earlier execution's: its result would be dropped anyway
                }
                TaskScheduled task = scheduled.get(Integer.valueOf(parts[1]));
                if (task == null) {
                    LOG.warn("Instance '{}' has an entry for activity task {} that its history does not schedule;"
                            + " dropping it.", instanceId, parts[1]);
                    continue;
                }
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                ps.setString(3, executionId);
                ps.setInt(4, task.taskId());
                ps.setString(5, task.name());
                ps.setString(6, task.input());
                PgTime.set(ps, 7, now);
                ps.setString(8, traceParent);
                ps.addBatch();
                rows++;
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
        return rows;
    }
}
