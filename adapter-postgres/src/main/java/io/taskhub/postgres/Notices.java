package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The notifications one transaction sends, gathered while it runs and sent just before it commits: PostgreSQL
 * delivers them only if (and once) the transaction commits, so no listener hears of work that was rolled back.
 *
 * <p>Payloads are {@code <schema>/<task hub>/<what>}: {@code o} for orchestration work, {@code a} for activity
 * work on the work channel; an instance id (or nothing, for every instance) on the instance channel. One
 * channel serves every schema and task hub of the database, so the schema and hub in the payload tell
 * listeners whether a notification is theirs.
 */
final class Notices {
    static final String WORK_CHANNEL = "taskhub_work";
    static final String INSTANCE_CHANNEL = "taskhub_instance";
    static final String ORCHESTRATIONS = "o";
    static final String ACTIVITIES = "a";

    private final String prefix;
    private final Set<String> work = new LinkedHashSet<>();
    private final Set<String> instances = new LinkedHashSet<>();

    Notices(String schema, String hubKey) {
        this.prefix = schema + "/" + hubKey + "/";
    }

    void orchestrationWork() {
        work.add(prefix + ORCHESTRATIONS);
    }

    void activityWork() {
        work.add(prefix + ACTIVITIES);
    }

    void instanceChanged(String instanceId) {
        instances.add(prefix + instanceId);
    }

    /** Wakes every waiter of the hub's instances (the hub was deleted). */
    void allInstancesChanged() {
        instances.add(prefix);
    }

    /** Queues the notifications in the transaction of {@code connection}; one round trip whatever their number. */
    void send(Connection connection) throws SQLException {
        int count = work.size() + instances.size();
        if (count == 0) {
            return;
        }
        String[] channels = new String[count];
        String[] payloads = new String[count];
        int i = 0;
        for (String payload : work) {
            channels[i] = WORK_CHANNEL;
            payloads[i++] = payload;
        }
        for (String payload : instances) {
            channels[i] = INSTANCE_CHANNEL;
            payloads[i++] = payload;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_notify(c, p) FROM unnest(?::text[], ?::text[]) AS n(c, p)")) {
            ps.setArray(1, connection.createArrayOf("text", channels));
            ps.setArray(2, connection.createArrayOf("text", payloads));
            ps.execute();
        }
        work.clear();
        instances.clear();
    }
}
