package io.taskhub.postgres;

import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.BulkLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Bulk loads as server-side sets: each batch is two INSERT ... SELECT over generate_series (instances, then their
 * history), so a million instances cross the connection as a few dozen statements, not a million rows.
 */
final class PostgresBulkLoader implements BulkLoader {
    private static final int BATCH = 50_000;

    private final Database db;
    private final Tables t;

    PostgresBulkLoader(Database db) {
        this.db = db;
        this.t = new Tables(db.config().schema());
    }

    @Override
    public void load(String taskHub, FinishedInstances spec) {
        String hubKey = TaskHubNames.validate(taskHub).toLowerCase(Locale.ROOT);
        String[] names = spec.names().toArray(String[]::new);
        String[] statuses = spec.statuses().stream().map(Enum::name).toArray(String[]::new);
        String[] events = spec.history().stream().map(JsonCodec::writeEvent).toArray(String[]::new);
        for (int from = 0; from < spec.count(); from += BATCH) {
            int to = Math.min(spec.count(), from + BATCH) - 1;
            int first = from;
            db.inTransaction(c -> {
                insertInstances(c, hubKey, spec, names, statuses, first, to);
                if (events.length > 0) {
                    insertHistory(c, hubKey, spec, events, first, to);
                }
                return null;
            });
        }
        // What autovacuum does to a table soon after a large insert, done now so that the queries that follow a load
        // are measured as they run in steady state: statistics that see the rows, and the visibility map that
        // lets an index answer alone.
        db.maintain("VACUUM (ANALYZE) " + t.instances() + ", " + t.history());
    }

    private void insertInstances(Connection c, String hubKey, FinishedInstances spec, String[] names,
            String[] statuses, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.instances()
                + " (task_hub, instance_id, execution_id, name, runtime_status, output, created_at, last_updated_at,"
                + " completed_at, revision)"
                + " SELECT ?, ? || lpad(g::text, 8, '0'), 'bulk' || g, (?::text[])[1 + g % ?],"
                + " (?::text[])[1 + g % ?], g::text, ?::timestamptz + g * interval '1 millisecond',"
                + " ?::timestamptz + g * interval '1 millisecond' + interval '1 second',"
                + " ?::timestamptz + g * interval '1 millisecond' + interval '1 second', 1"
                + " FROM generate_series(?, ?) AS g")) {
            ps.setString(1, hubKey);
            ps.setString(2, spec.idPrefix());
            PgArrays.text(ps, 3, names);
            ps.setInt(4, names.length);
            PgArrays.text(ps, 5, statuses);
            ps.setInt(6, statuses.length);
            PgTime.set(ps, 7, spec.createdFrom());
            PgTime.set(ps, 8, spec.createdFrom());
            PgTime.set(ps, 9, spec.createdFrom());
            ps.setInt(10, from);
            ps.setInt(11, to);
            ps.executeUpdate();
        }
    }

    private void insertHistory(Connection c, String hubKey, FinishedInstances spec, String[] events, int from,
            int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.history()
                + " (task_hub, instance_id, sequence, execution_id, events)"
                // One row per event: as many rows as a history of one-event steps, the most a purge can meet.
                + " SELECT ?, ? || lpad(g::text, 8, '0'), e.ordinality - 1, 'bulk' || g, ARRAY[e.event]"
                + " FROM generate_series(?, ?) AS g CROSS JOIN unnest(?::text[]) WITH ORDINALITY AS e(event)")) {
            ps.setString(1, hubKey);
            ps.setString(2, spec.idPrefix());
            ps.setInt(3, from);
            ps.setInt(4, to);
            PgArrays.text(ps, 5, events);
            ps.executeUpdate();
        }
    }
}
