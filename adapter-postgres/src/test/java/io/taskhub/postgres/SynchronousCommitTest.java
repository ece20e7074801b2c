package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code postgres.synchronousCommit}: what every connection of the pool commits with. */
class SynchronousCommitTest {
    private final PostgresSchema schema = PostgresSchema.reserve();

    @AfterEach
    void dropSchema() {
        schema.close();
    }

    @Test
    void off_appliesToEveryTransactionOfThePool_durableOnesIncluded() {
        try (Database db = Database.open(schema.config().withSynchronousCommit("off"))) {
            assertThat(db.inTransaction(SynchronousCommitTest::synchronousCommit)).isEqualTo("off");
            assertThat(db.alone(SynchronousCommitTest::synchronousCommit)).isEqualTo("off");
        }
    }

    @Test
    void unset_keepsTheServersOwnSetting() throws SQLException {
        String servers;
        try (Connection plain = schema.server().connect()) {
            servers = synchronousCommit(plain);
        }
        try (Database db = Database.open(schema.config())) {
            assertThat(schema.config().synchronousCommit()).isNull();
            assertThat(db.inTransaction(SynchronousCommitTest::synchronousCommit)).isEqualTo(servers);
        }
    }

    @Test
    void on_isSetOnTheConnectionsThemselves() {
        try (Database db = Database.open(schema.config().withSynchronousCommit("on"))) {
            String source = db.inTransaction(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT source FROM pg_settings WHERE name = 'synchronous_commit'")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(source).isEqualTo("client");
            assertThat(db.inTransaction(SynchronousCommitTest::synchronousCommit)).isEqualTo("on");
        }
    }

    private static String synchronousCommit(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
