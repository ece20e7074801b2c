package io.taskhub.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim reads its messages after the write that took them: one this process cannot read fails the claim and
 * leaves the instance free for a worker that can, at once rather than when the lease runs out.
 */
class UnreadableMessageTest {
    @TempDir
    Path directory;

    @Test
    void aMessageOfALaterVersion_failsTheClaim_andLeavesTheInstanceFree() throws Exception {
        Path file = directory.resolve("unreadable.db");
        String instanceId = Fixtures.newInstanceId();
        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(file))) {
            OrchestrationStore store = backend.taskHub("Unreadable");
            store.createTaskHubIfNotExists();
            store.createInstance(instanceId, Fixtures.started("Later", null), Set.of());
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement ps = connection.prepareStatement("UPDATE inbox SET event = ?"
                        + " WHERE instance_id = ?")) {
            ps.setString(1, "{\"eventType\":\"EventOfALaterVersion\",\"timestamp\":\"2026-12-07T18:00:00Z\"}");
            ps.setString(2, instanceId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(file))) {
            OrchestrationStore store = backend.taskHub("Unreadable");
            assertThatThrownBy(() -> store.claimOrchestrationWorkItem("old-worker", Duration.ofMinutes(5), 10,
                    NameFilter.ANY)).hasMessageContaining("EventOfALaterVersion");
            assertThat(leaseToken(file, instanceId)).as("the instance is not left leased").isNull();
            // Another claim finds it at once (and fails the same way here): it was not held for the lease's 5 min.
            assertThatThrownBy(() -> store.claimOrchestrationWorkItem("other-worker", Duration.ofMinutes(5), 10,
                    NameFilter.ANY)).hasMessageContaining("EventOfALaterVersion");
        }
    }

    private static String leaseToken(Path file, String instanceId) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement ps = connection.prepareStatement("SELECT lock_token FROM instances"
                        + " WHERE instance_id = ?")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
