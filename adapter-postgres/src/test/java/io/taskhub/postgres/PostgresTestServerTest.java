package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.store.OrchestrationStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The test tooling can run without any server around: it starts a throwaway cluster of its own. */
class PostgresTestServerTest {
    @Test
    void throwawayCluster_startsOnAFreePort_andTakesTaskhubsSchema() throws Exception {
        PostgresTestServer.Server server = PostgresTestServer.startThrowaway();

        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(120000);
        }
        assertThat(server.jdbcUrl()).doesNotContain(":5432/");
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(server.config("taskhub"))) {
            OrchestrationStore store = backend.taskHub("throwaway");
            store.createInstance("one", new ExecutionStarted(Instant.now(), "O", null, "1", "e", null, null, Map.of()),
                    Set.of());
            assertThat(store.getInstance("one")).isPresent();
        }
    }
}
