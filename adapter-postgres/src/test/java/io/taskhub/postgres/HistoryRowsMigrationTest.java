package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.Fixtures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V17 stores a step's history events as one row. Histories written before it, one row per event, are read as they
 * were once brought up to date, and a step after it continues them; processes of the previous version still read
 * and delete histories as they did (a rolling upgrade).
 */
class HistoryRowsMigrationTest {
    @Test
    void historyWrittenAnEventPerRow_readsInOrder_andAStepAppendsAfterIt() throws Exception {
        List<HistoryEvent> older = Fixtures.everyEventType();
        try (PostgresSchema schema = PostgresSchema.reserve()) {
            PostgresConfig config = schema.config();
            Flyway.configure().dataSource(config.jdbcUrl(), config.user(), config.password())
                    .schemas(config.schema()).defaultSchema(config.schema()).createSchemas(true)
                    .locations("classpath:db/migration/postgres").target("16").load().migrate();
            try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO history (task_hub, instance_id, sequence, execution_id, event)"
                            + " VALUES ('migrated', 'i', ?, 'e', ?)")) {
                // Inserted out of order: the sequence, not the order of insertion, orders a history.
                for (int i = older.size() - 1; i >= 0; i--) {
                    ps.setInt(1, i);
                    ps.setString(2, JsonCodec.writeEvent(older.get(i)));
                    ps.executeUpdate();
                }
            }

            try (PostgresStorageBackend backend = PostgresStorageBackend.start(config)) {
                OrchestrationStore hub = backend.taskHub("Migrated");
                assertThat(hub.getHistory("i")).isEqualTo(older);

                List<HistoryEvent> step = List.of(Fixtures.started("Next", "1"), Fixtures.started("Next", "2"));
                try (Connection c = schema.connect(); Statement st = c.createStatement()) {
                    st.execute("SELECT write_step('migrated', 'i', 'e', now(), false, ARRAY["
                            + quoted(step.get(0)) + ", " + quoted(step.get(1)) + "], '{}', '{}', '{}', '{}', '{}',"
                            + " '{}', '{}', NULL, NULL, '{}', '{}')");
                    try (ResultSet rs = st.executeQuery("SELECT max(sequence), count(*) FROM history_steps")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("the step's row follows the last").isEqualTo(older.size());
                        assertThat(rs.getInt(2)).as("one row for the step's two events").isEqualTo(older.size() + 1);
                    }
                }
                List<HistoryEvent> expected = new ArrayList<>(older);
                expected.addAll(step);
                assertThat(hub.getHistory("i")).isEqualTo(expected);

                // A process of the previous version, during a rolling upgrade, reads and deletes as it did.
                try (Connection c = schema.connect()) {
                    List<HistoryEvent> readByPrevious = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT event FROM history"
                            + " WHERE task_hub = ? AND instance_id = ? ORDER BY sequence")) {
                        ps.setString(1, "migrated");
                        ps.setString(2, "i");
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                readByPrevious.add(JsonCodec.readEvent(rs.getString(1)));
                            }
                        }
                    }
                    assertThat(readByPrevious).isEqualTo(expected);

                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM history WHERE task_hub = ? AND instance_id = ANY(?)")) {
                        ps.setString(1, "migrated");
                        ps.setArray(2, c.createArrayOf("text", new String[] {"i"}));
                        ps.executeUpdate();
                    }
                    assertThat(hub.getHistory("i")).isEmpty();
                }
            }
        }
    }

    private static String quoted(HistoryEvent event) {
        return "'" + JsonCodec.writeEvent(event).replace("'", "''") + "'";
    }
}
