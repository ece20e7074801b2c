package io.taskhub.postgres;

import io.taskhub.ports.store.ActivityTask;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the activities handed without task rows (V18) whose lease ran out back to everyone, as a claim takes over a
 * task row whose lease ran out: for each instance with such entries, a task row anyone may claim for each entry
 * (which holds the task whole; an entry is there until its result is recorded, which removes it in the same
 * statement, so none of them has a result). The entries, their owner and lease go in the same transaction, so the
 * late result of a worker that was only slow finds no entry and is dropped.
 *
 * <p>A housekeeping chore of every process on the schema, every round (2 s): each instance is taken under its row's
 * lock and checked again, so two processes recovering together make each row once. The look reads the index of
 * instances with entries, which holds the activities in flight only.
 */
final class HandOffRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(HandOffRecovery.class);
    /** The instances read at a time. */
    private static final int BATCH = 100;

    private final Database db;
    private final Tables t;
    private final NotificationRelay relay;
    private final String expiredSql;

    HandOffRecovery(Database db, NotificationRelay relay) {
        this.db = db;
        this.t = new Tables(db.config().schema());
        this.relay = relay;
        this.expiredSql = expiredSql(t);
    }

    /** The instances whose entries' lease ran out (its parameters: now, and how many at most). */
    static String expiredSql(Tables t) {
        return "SELECT task_hub, instance_id FROM " + t.instances() + " WHERE handed_owner IS NOT NULL"
                + " AND handed_until <= ? LIMIT ?";
    }

    /** An instance with entries, in its hub. */
    record Handed(String hubKey, String instanceId) {
    }

    void recoverQuietly() {
        try {
            recover();
        } catch (RuntimeException e) {
            LOG.warn("Could not give back the activities whose lease ran out yet ({}); trying again soon.",
                    e.toString());
        }
    }

    /**
     * Recovers every instance whose entries' lease ran out; returns how many got task rows. An instance that cannot
     * be recovered (an entry unreadable, say) is logged and passed over in this round, so that it holds up no
     * other.
     */
    int recover() {
        Instant now = PgTime.truncate(Instant.now());
        Set<Handed> failed = new HashSet<>();
        int recovered = 0;
        while (true) {
            int limit = BATCH + failed.size();
            List<Handed> expired = db.alone(c -> expired(c, now, limit));
            int tried = 0;
            for (Handed handed : expired) {
                if (failed.contains(handed)) {
                    continue;
                }
                tried++;
                try {
                    recovered += recover(handed, now) ? 1 : 0;
                } catch (RuntimeException e) {
                    failed.add(handed);
                    LOG.warn("Could not give back the activities of instance '{}' whose lease ran out ({});"
                            + " trying again in the next round.", handed.instanceId(), e.toString());
                }
            }
            if (expired.size() < limit || tried == 0) {
                return recovered;
            }
        }
    }

    private List<Handed> expired(Connection c, Instant now, int limit) throws SQLException {
        List<Handed> expired = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(expiredSql)) {
            PgTime.set(ps, 1, now);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expired.add(new Handed(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return expired;
    }

    /** One instance, under its row's lock: its entries become task rows, and it has none any more. */
    private boolean recover(Handed handed, Instant now) {
        int made = db.inTransaction(c -> {
            String[] entries;
            try (PreparedStatement ps = c.prepareStatement("SELECT handed FROM " + t.instances()
                    + " WHERE task_hub = ? AND instance_id = ? AND handed_owner IS NOT NULL AND handed_until <= ?"
                    + " FOR UPDATE")) {
                ps.setString(1, handed.hubKey());
                ps.setString(2, handed.instanceId());
                PgTime.set(ps, 3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return -1; // done, renewed or recovered meanwhile
                    }
                    Array column = rs.getArray(1);
                    entries = column == null ? new String[0] : (String[]) column.getArray();
                }
            }
            int rows = entries.length == 0 ? 0 : insertTasks(c, handed.hubKey(), handed.instanceId(), entries, now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET handed = NULL,"
                    + " handed_owner = NULL, handed_until = NULL WHERE task_hub = ? AND instance_id = ?")) {
                ps.setString(1, handed.hubKey());
                ps.setString(2, handed.instanceId());
                ps.executeUpdate();
            }
            return rows;
        });
        if (made > 0) {
            Notices notices = new Notices(t.schema(), handed.hubKey());
            notices.activityWork();
            relay.publish(notices.take());
            LOG.info("Gave back {} activities of instance '{}' whose lease ran out.", made, handed.instanceId());
        }
        return made > 0;
    }

    /** A task row anyone may claim for each entry, visible now; returns how many. */
    private int insertTasks(Connection c, String hubKey, String instanceId, String[] entries, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.tasks() + " (task_hub, instance_id,"
                + " execution_id, task_id, name, input, visible_at, dequeue_count, trace_parent)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")) {
            for (String entry : entries) {
                ActivityTask task = StepCalls.taskOf(instanceId, entry);
                ps.setString(1, hubKey);
                ps.setString(2, instanceId);
                ps.setString(3, task.executionId());
                ps.setInt(4, task.taskId());
                ps.setString(5, task.name());
                ps.setString(6, task.input());
                PgTime.set(ps, 7, now);
                ps.setString(8, task.traceParent());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return entries.length;
    }
}
