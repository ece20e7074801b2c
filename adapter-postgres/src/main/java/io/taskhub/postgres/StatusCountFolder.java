package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the running counts' rows (V7__count_instances_by_status.sql), every few seconds ({@link Housekeeping}): the triggers only ever add
 * rows, one or two per change of status, so each task hub's rows are replaced by one per status, and those that
 * sum to zero are dropped. Folding is one statement per hub: the rows it deletes are summed into the rows it
 * inserts, so a count never sees them twice or not at all, and triggers adding rows meanwhile are not in its way.
 */
final class StatusCountFolder {
    private static final Logger LOG = LoggerFactory.getLogger(StatusCountFolder.class);
    /** A hub's rows are folded once there are more than this many. */
    private static final int ROWS_WORTH_FOLDING = 64;

    private final Database db;
    private final Tables t;

    StatusCountFolder(Database db) {
        this.db = db;
        this.t = new Tables(db.config().schema());
    }

    /** One round, run by {@link Housekeeping} every few seconds. */
    void foldQuietly() {
        try {
            fold(ROWS_WORTH_FOLDING);
        } catch (RuntimeException e) {
            LOG.debug("Could not fold the status counts; will try again", e);
        }
    }

    /** Folds the rows of every hub that has more than {@code threshold} of them; returns the hubs folded. */
    int fold(int threshold) {
        List<String> hubs = db.inTransaction(c -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT task_hub FROM " + t.statusCounts()
                    + " GROUP BY task_hub HAVING count(*) > ?")) {
                ps.setInt(1, threshold);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
            return found;
        });
        for (String hub : hubs) {
            db.inLightTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("WITH folded AS (DELETE FROM " + t.statusCounts()
                        + " WHERE task_hub = ? RETURNING runtime_status, instances) INSERT INTO " + t.statusCounts()
                        + " (task_hub, runtime_status, instances) SELECT ?, runtime_status, sum(instances)"
                        + " FROM folded GROUP BY runtime_status HAVING sum(instances) <> 0")) {
                    ps.setString(1, hub);
                    ps.setString(2, hub);
                    ps.executeUpdate();
                }
                return null;
            });
        }
        return hubs.size();
    }
}
