package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** A connection of a test's own that LISTENs on Taskhub's channels, as another process's listener would. */
final class TestListener {
    private TestListener() {
    }

    static Connection listen(SchemaPerClass schema) throws Exception {
        Connection c = schema.connect();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + Notices.WORK_CHANNEL);
            st.execute("LISTEN " + Notices.INSTANCE_CHANNEL);
        }
        return c;
    }

    /**
     * What arrived for the test's schema until none came for {@code quiet}, as "channel payload" (other tests'
     * notifications, on the same channels, are passed over).
     */
    static List<String> drain(Connection c, SchemaPerClass schema, Duration quiet) throws Exception {
        List<String> heard = new ArrayList<>();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < quiet.toNanos()) {
            PGNotification[] batch = c.unwrap(PGConnection.class).getNotifications(100);
            for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
                if (n.getParameter().startsWith(schema.name() + "/")) {
                    heard.add(n.getName() + " " + n.getParameter());
                    quietSince = System.nanoTime();
                }
            }
        }
        return heard;
    }
}
