package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums Taskhub's tables where autovacuum does not: on a server whose {@code autovacuum} setting is off, or for
 * a table whose {@code autovacuum_enabled} storage parameter is. Every message and activity task is a row inserted
 * and deleted, and the running counts are folded the same way, so without vacuum those tables only grow: one
 * measured after a day of benchmarks held 206 MB of inbox for 138 live rows, and every look at a queue read its dead
 * rows. A table is vacuumed, by {@link Housekeeping}, once its dead rows pass {@link #BASE_THRESHOLD} and a fifth of
 * its live ones (autovacuum's rule, with a much higher floor: each vacuum reads the whole table and its indexes, and
 * with a floor of 5,000 the vacuums during a burst of 2,000 hello sequences cost more than they saved, 2.2 to 2.3
 * ms of database CPU per sequence against 2.1). Tables this process's user does not own are left alone (PostgreSQL
 * would only warn), and a table is vacuumed at most once a minute by each process (rows that an open snapshot still
 * sees stay dead after a vacuum, and would bring it back every round).
 */
final class DeadRowSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(DeadRowSweeper.class);
    static final long BASE_THRESHOLD = 50_000;
    private static final List<String> TABLES = List.of("instances", "history_steps", "inbox", "activity_tasks",
            "status_counts");

    private final Database db;
    private final String schema;

    DeadRowSweeper(Database db) {
        this.db = db;
        this.schema = db.config().schema();
    }

    /** One round, run by {@link Housekeeping} every few seconds. */
    void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.debug("Could not vacuum Taskhub's tables; will try again", e);
        }
    }

    /** Vacuums the tables that need it; returns their names. */
    List<String> sweep() {
        List<String> due = tablesDue();
        for (String table : due) {
            db.maintain("VACUUM (SKIP_LOCKED) " + schema + "." + table);
        }
        return due;
    }

    private List<String> tablesDue() {
        return db.inTransaction(c -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.relname FROM pg_stat_user_tables s"
                    + " JOIN pg_class r ON r.oid = s.relid WHERE s.schemaname = ? AND s.relname = ANY (?)"
                    + " AND s.n_dead_tup > ? + 0.2 * s.n_live_tup"
                    // Rows an open snapshot still sees stay dead after a vacuum: once a minute is enough to retry.
                    + " AND coalesce(s.last_vacuum, '-infinity') < now() - interval '1 minute'"
                    + " AND (current_setting('autovacuum')::boolean IS FALSE OR EXISTS (SELECT FROM"
                    + "   unnest(r.reloptions) AS o WHERE o LIKE 'autovacuum_enabled=%'"
                    + "   AND substr(o, 20)::boolean IS FALSE))"
                    // Vacuum needs the owner's privileges, inherited; others would only get a warning.
                    + " AND pg_has_role(current_user, r.relowner, 'USAGE') ORDER BY s.relname")) {
                ps.setString(1, schema);
                ps.setArray(2, c.createArrayOf("text", TABLES.toArray()));
                ps.setLong(3, BASE_THRESHOLD);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
            return found;
        });
    }
}
