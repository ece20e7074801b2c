package io.taskhub.sqlite;

import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.BulkLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Bulk loads as sets inside SQLite: each batch is two INSERT ... SELECT over a counting recursive CTE (instances,
 * then their history from a JSON array of events), one write transaction per batch.
 */
final class SqliteBulkLoader implements BulkLoader {
    private static final int BATCH = 50_000;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final String COUNTER = "WITH RECURSIVE g(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM g WHERE i < ?) ";

    private final SqliteDatabase db;

    SqliteBulkLoader(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void load(String taskHub, FinishedInstances spec) {
        String hubKey = TaskHubNames.validate(taskHub).toLowerCase(Locale.ROOT);
        String names = array(spec.names());
        String statuses = array(spec.statuses().stream().map(Enum::name).toList());
        String events = array(spec.history().stream().map(JsonCodec::writeEvent).toList());
        for (int from = 0; from < spec.count(); from += BATCH) {
            int to = Math.min(spec.count(), from + BATCH) - 1;
            int first = from;
            db.write(c -> {
                insertInstances(c, hubKey, spec, names, statuses, first, to);
                if (!spec.history().isEmpty()) {
                    insertHistory(c, hubKey, spec, events, first, to);
                }
                return null;
            });
        }
    }

    private static void insertInstances(Connection c, String hubKey, FinishedInstances spec, String names,
            String statuses, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNTER + "INSERT INTO instances (task_hub, instance_id,"
                + " execution_id, name, runtime_status, output, created_at, last_updated_at, completed_at, revision)"
                + " SELECT ?, ? || printf('%08d', i), 'bulk' || i, json_extract(?, '$[' || (i % ?) || ']'),"
                + " json_extract(?, '$[' || (i % ?) || ']'), CAST(i AS TEXT), ? + i * ?, ? + i * ? + ?,"
                + " ? + i * ? + ?, 1 FROM g")) {
            long created = Rows.nanos(spec.createdFrom());
            int p = 1;
            ps.setInt(p++, from);
            ps.setInt(p++, to);
            ps.setString(p++, hubKey);
            ps.setString(p++, spec.idPrefix());
            ps.setString(p++, names);
            ps.setInt(p++, spec.names().size());
            ps.setString(p++, statuses);
            ps.setInt(p++, spec.statuses().size());
            ps.setLong(p++, created);
            ps.setLong(p++, MILLI);
            for (int finished = 0; finished < 2; finished++) {
                ps.setLong(p++, created);
                ps.setLong(p++, MILLI);
                ps.setLong(p++, SECOND);
            }
            ps.executeUpdate();
        }
    }

    private static void insertHistory(Connection c, String hubKey, FinishedInstances spec, String events, int from,
            int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNTER + "INSERT INTO history (task_hub, instance_id, sequence,"
                + " execution_id, event) SELECT ?, ? || printf('%08d', i), e.key, 'bulk' || i, e.value"
                + " FROM g CROSS JOIN json_each(?) AS e")) {
            ps.setInt(1, from);
            ps.setInt(2, to);
            ps.setString(3, hubKey);
            ps.setString(4, spec.idPrefix());
            ps.setString(5, events);
            ps.executeUpdate();
        }
    }

    private static String array(List<String> values) {
        return JsonCodec.mapper().valueToTree(values).toString();
    }
}
