package io.taskhub.postgres;

import io.taskhub.ports.errors.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the planner statistics while autovacuum has none yet. Autovacuum first analyzes a table up to a
 * minute after it fills, and re-analyzes only after 10% of it changed; until then the planner takes
 * {@code task_hub = ?} for a rare value, rates every index starting with task_hub as good as the primary key,
 * and may answer a lookup by id by reading the whole task hub (measured: tens of milliseconds per claim with a
 * few hundred instances, instead of a tenth of one). The queues (inbox, activity tasks) swing from empty to
 * thousands of rows in one commit (a fan-out) and back: planned with the statistics of the empty queue they were
 * last analyzed as, a fan-in of 10,000 ran at half its speed (measured after 200 instances had come and gone
 * first). So every few seconds this analyzes the tables that were never analyzed, the growing ones (instances,
 * history) that changed more than their size since they last were, and any whose size moved away from what their
 * last analysis found by more than that size; afterwards autovacuum keeps up alone. Without the privilege to
 * analyze, it stops trying.
 */
final class StatisticsKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(StatisticsKeeper.class);

    private final Database db;
    private final String schema;
    private volatile boolean gaveUp;

    StatisticsKeeper(Database db) {
        this.db = db;
        this.schema = db.config().schema();
    }

    /** One round, run by {@link Housekeeping} every few seconds. */
    void check() {
        if (gaveUp) {
            return;
        }
        try {
            for (String table : tablesToAnalyze()) {
                db.inTransaction(c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("ANALYZE " + schema + "." + table);
                    }
                    return null;
                });
            }
        } catch (StorageException e) {
            if (e.getCause() instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
                gaveUp = true;
                LOG.info("Not allowed to ANALYZE Taskhub's tables in schema {}; leaving statistics to autovacuum.",
                        schema);
            } else {
                LOG.debug("Could not refresh planner statistics; will try again", e);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not refresh planner statistics; will try again", e);
        }
    }

    private List<String> tablesToAnalyze() {
        return db.inTransaction(c -> {
            List<String> tables = new ArrayList<>();
            // Sizes are compared with the rows the planner believes in (reltuples, from the last analysis): a queue
            // that went from empty to 10,000 rows is far from them, while a busy queue that stays small (many
            // changes, the same few rows) is not, and is left alone.
            try (PreparedStatement ps = c.prepareStatement("SELECT s.relname FROM pg_stat_user_tables s"
                    + " JOIN pg_class r ON r.oid = s.relid WHERE s.schemaname = ?"
                    + " AND s.relname IN ('instances', 'history_steps', 'inbox', 'activity_tasks')"
                    + " AND s.n_mod_since_analyze > 0 AND (coalesce(s.last_analyze, s.last_autoanalyze) IS NULL"
                    + " OR (s.relname IN ('instances', 'history_steps') AND s.n_mod_since_analyze > 50 + s.n_live_tup)"
                    + " OR abs(s.n_live_tup - greatest(r.reltuples, 0)) > 50 + greatest(r.reltuples, 0))")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            return tables;
        });
    }
}
