package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.Fixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The running counts by status (V7): a schema made before they existed is counted right once brought up to date,
 * and folding the rows the triggers add keeps every count.
 */
class StatusCountsTest {
    @Test
    void instancesStoredBeforeTheCounts_areCounted_andLaterChangesToo() throws Exception {
        try (PostgresSchema schema = PostgresSchema.reserve()) {
            PostgresConfig config = schema.config();
            Flyway.configure().dataSource(config.jdbcUrl(), config.user(), config.password())
                    .schemas(config.schema()).defaultSchema(config.schema()).createSchemas(true)
                    .locations("classpath:db/migration/postgres").target("6").load().migrate();
            try (Connection c = schema.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO instances (task_hub, instance_id, execution_id, name, runtime_status,"
                        + " created_at, last_updated_at, revision) SELECT CASE WHEN g <= 5 THEN 'older' ELSE"
                        + " 'other' END, 'i' || g, 'e', 'N', CASE WHEN g % 2 = 0 THEN 'Completed' ELSE 'Running'"
                        + " END, now(), now(), 1 FROM generate_series(1, 8) AS g");
            }

            try (PostgresStorageBackend backend = PostgresStorageBackend.start(config)) {
                OrchestrationStore older = backend.taskHub("Older");
                assertThat(older.countInstances(InstanceQuery.all()))
                        .isEqualTo(Map.of(RuntimeStatus.Completed, 2L, RuntimeStatus.Running, 3L));
                assertThat(older.purgeInstance("i2", Set.of(RuntimeStatus.Completed))).isTrue();
                assertThat(older.countInstances(InstanceQuery.all()))
                        .isEqualTo(Map.of(RuntimeStatus.Completed, 1L, RuntimeStatus.Running, 3L));
                assertThat(backend.taskHub("Other").countInstances(InstanceQuery.all()))
                        .isEqualTo(Map.of(RuntimeStatus.Completed, 2L, RuntimeStatus.Running, 1L));
            }
        }
    }

    @Test
    void foldingTheCountsRows_keepsEveryCount_andDropsWhatSumsToZero() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            PostgresStorageBackend backend = schema.backend();
            OrchestrationStore hub = backend.taskHub("Folded");
            for (int i = 0; i < 6; i++) {
                hub.createInstance("f" + i, Fixtures.started("N", null), Set.of());
            }
            OrchestrationStore emptied = backend.taskHub("Emptied");
            emptied.createInstance("e", Fixtures.started("N", null), Set.of());
            emptied.deleteTaskHub();
            Map<RuntimeStatus, Long> before = hub.countInstances(InstanceQuery.all());

            assertThat(backend.foldStatusCounts(0)).as("hubs folded").isEqualTo(2);

            assertThat(hub.countInstances(InstanceQuery.all())).isEqualTo(before)
                    .isEqualTo(Map.of(RuntimeStatus.Pending, 6L));
            assertThat(emptied.countInstances(InstanceQuery.all())).isEmpty();
            try (Connection c = schema.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT task_hub, count(*) FROM status_counts"
                            + " GROUP BY task_hub")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("folded");
                assertThat(rs.getInt(2)).as("one row per status").isEqualTo(1);
                assertThat(rs.next()).as("the emptied hub's rows summed to zero").isFalse();
            }
        }
    }
}
