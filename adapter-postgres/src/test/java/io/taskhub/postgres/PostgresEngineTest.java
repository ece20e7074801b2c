package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine suite: real orchestrations run by a real worker on PostgreSQL. */
class PostgresEngineTest extends EngineSuite {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Override
    protected StorageBackend backend() {
        return schema.backend();
    }

    /** V17: each step's events are one history row, and the rows in order hold the history in order. */
    @Test
    void eachStepWritesItsEventsAsOneHistoryRow() throws Exception {
        String id = start("Hello", null);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Completed);

        List<String> stored = new ArrayList<>();
        int rows = 0;
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT events FROM history_steps WHERE instance_id = ? ORDER BY sequence")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    stored.addAll(List.of((String[]) rs.getArray(1).getArray()));
                }
            }
        }
        List<HistoryEvent> history = history(id);
        assertThat(rows).as("a hello sequence's steps: its start, then one after each of its 3 activities")
                .isEqualTo(4);
        assertThat(history).hasSizeGreaterThan(rows);
        assertThat(stored).hasSameSizeAs(history);
        for (int i = 0; i < history.size(); i++) {
            assertThat(JsonCodec.readEvent(stored.get(i))).as("event %d", i).isEqualTo(history.get(i));
        }
    }
}
