package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** What belongs to instances besides their rows: history, inbox messages and activity tasks. */
final class InstanceData {
    private InstanceData() {
    }

    /** Deletes the history, inbox and activity tasks of {@code instanceIds}, in the caller's transaction. */
    static void delete(Connection c, Tables t, String hubKey, List<String> instanceIds) throws SQLException {
        if (instanceIds.isEmpty()) {
            return;
        }
        for (String table : List.of(t.history(), t.inbox(), t.tasks())) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + table + " WHERE task_hub = ? AND instance_id = ANY(?)")) {
                ps.setString(1, hubKey);
                PgArrays.text(ps, 2, instanceIds);
                ps.executeUpdate();
            }
        }
    }
}
