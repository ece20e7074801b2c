package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Where autovacuum does not run, the backend vacuums its tables itself once their dead rows pile up: here the
 * inbox, with autovacuum turned off for it (which the server's own setting may also do for every table).
 */
class DeadRowSweeperTest {
    @Test
    void aQueueFullOfDeadRows_isVacuumedWithinSeconds_whereAutovacuumIsOff() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create(); Connection c = schema.connect();
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE inbox SET (autovacuum_enabled = false)");
            churn(st, (int) DeadRowSweeper.BASE_THRESHOLD * 2);

            // (What the vacuum then removes is PostgreSQL's affair: rows a snapshot of another test still sees stay.)
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> lastVacuumed(st));
        }
    }

    @Test
    void aTableWithFewDeadRows_isLeftAlone() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create(); Connection c = schema.connect();
                Statement st = c.createStatement(); Database db = Database.open(schema.config())) {
            st.execute("ALTER TABLE inbox SET (autovacuum_enabled = false)");
            churn(st, 500);

            assertThat(new DeadRowSweeper(db).sweep()).doesNotContain("inbox");
            assertThat(lastVacuumed(st)).isFalse();
        }
    }

    /** Inserts {@code rows} messages and deletes them, and waits until the statistics count the dead rows. */
    private static void churn(Statement st, int rows) throws Exception {
        st.execute("INSERT INTO inbox (task_hub, instance_id, event, visible_at)"
                + " SELECT 'h', 'i-' || g, '{}', now() FROM generate_series(1, " + rows + ") AS g");
        st.execute("DELETE FROM inbox WHERE task_hub = 'h'");
        boolean canFlush = serverVersion(st) >= 150_000; // before 15, a backend sends its statistics every 500 ms
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (canFlush) {
                st.execute("SELECT pg_stat_force_next_flush()");
            }
            return deadRows(st) >= rows || lastVacuumed(st);
        });
    }

    private static int serverVersion(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long deadRows(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT n_dead_tup FROM pg_stat_user_tables"
                + " WHERE relid = 'inbox'::regclass")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean lastVacuumed(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables"
                + " WHERE relid = 'inbox'::regclass")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
