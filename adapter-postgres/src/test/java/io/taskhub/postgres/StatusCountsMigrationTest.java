package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.OrchestrationStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A schema made before the running counts existed (V6) is counted right once it is brought up to date: the
 * migration counts the instances already stored, and the triggers count every change after it.
 */
class StatusCountsMigrationTest {
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
                assertThat(older.purgeInstance("i2", java.util.Set.of(RuntimeStatus.Completed))).isTrue();
                assertThat(older.countInstances(InstanceQuery.all()))
                        .isEqualTo(Map.of(RuntimeStatus.Completed, 1L, RuntimeStatus.Running, 3L));
                assertThat(backend.taskHub("Other").countInstances(InstanceQuery.all()))
                        .isEqualTo(Map.of(RuntimeStatus.Completed, 2L, RuntimeStatus.Running, 1L));
            }
        }
    }
}
