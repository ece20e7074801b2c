package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A queue that fills in one commit (a fan-out's 10,000 activity tasks) is re-analyzed within seconds, so that its
 * claims are not planned for the empty queue its statistics last saw.
 */
class StatisticsKeeperTest {
    @Test
    void aQueueThatFillsAfterItWasAnalyzedEmpty_isAnalyzedAgain() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create(); Connection c = schema.connect();
                Statement st = c.createStatement()) {
            st.execute("ANALYZE activity_tasks"); // what the statistics say while the queue is empty
            assertThat(estimatedRows(st)).isLessThan(1);

            st.execute("INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name, visible_at)"
                    + " SELECT 'h', 'fan', 'e', g, 'Work', now() FROM generate_series(1, 5000) AS g");

            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> estimatedRows(st) >= 5000);
        }
    }

    /** The planner's estimate of the table's rows (-1 before any analysis, in PostgreSQL 14 and later). */
    private static float estimatedRows(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT reltuples FROM pg_class WHERE oid = 'activity_tasks'::regclass")) {
            rs.next();
            return rs.getFloat(1);
        }
    }
}
