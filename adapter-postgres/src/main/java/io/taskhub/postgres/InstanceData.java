package io.taskhub.postgres;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What belongs to instances besides their rows: history, inbox messages and activity tasks. */
final class InstanceData {
    private InstanceData() {
    }

    /** The history of an instance's current execution, in order: a row holds the events of one step, in order. */
    static List<HistoryEvent> history(Connection c, Tables t, String hubKey, String instanceId) throws SQLException {
        List<HistoryEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.event FROM " + t.history()
                + " h CROSS JOIN LATERAL unnest(h.events) WITH ORDINALITY AS e(event, ord)"
                + " WHERE h.task_hub = ? AND h.instance_id = ? ORDER BY h.sequence, e.ord")) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(JsonCodec.readEvent(rs.getString(1)));
                }
            }
        }
        return List.copyOf(events);
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
