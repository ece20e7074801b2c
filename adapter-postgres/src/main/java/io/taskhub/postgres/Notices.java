package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
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

    private final String hubKey;
    private final String prefix;
    private final Set<String> work = new LinkedHashSet<>();
    private final Set<String> instances = new LinkedHashSet<>();
    private String visibleWorkOf;
    private Instant visibleAt;

    Notices(String schema, String hubKey) {
        this.hubKey = hubKey;
        this.prefix = schema + "/" + hubKey + "/";
    }

    void orchestrationWork() {
        work.add(prefix + ORCHESTRATIONS);
    }

    /**
     * Orchestration work, but only if instance {@code instanceId} has messages visible at {@code now} when the
     * notifications are sent (checked in the same statement, so it costs no extra round trip).
     */
    void orchestrationWorkIfVisible(String instanceId, Instant now) {
        visibleWorkOf = instanceId;
        visibleAt = now;
    }

    /** The orchestration work announced so far was taken in this transaction: nobody needs waking for it. */
    void withdrawOrchestrationWork() {
        work.remove(prefix + ORCHESTRATIONS);
    }

    void activityWork() {
        work.add(prefix + ACTIVITIES);
    }

    void instanceChanged(String instanceId) {
        instances.add(prefix + instanceId);
    }

    /** Adds what {@code other} gathered (for the same hub). */
    void addAll(Notices other) {
        work.addAll(other.work);
        instances.addAll(other.instances);
        if (other.visibleWorkOf != null) {
            visibleWorkOf = other.visibleWorkOf;
            visibleAt = other.visibleAt;
        }
    }

    /** Wakes every waiter of the hub's instances (the hub was deleted). */
    void allInstancesChanged() {
        instances.add(prefix);
    }

    /**
     * The notifications gathered so far, for a call that sends them itself (a step's commit in one round trip);
     * nothing is left to {@link #send} afterwards.
     */
    Pending take() {
        Pending pending = pending();
        clear();
        return pending;
    }

    /** Notifications to send: each channel with the payload at the same index, and a conditional one. */
    record Pending(String[] channels, String[] payloads, String ifVisibleChannel, String ifVisiblePayload) {
        static final Pending NONE = new Pending(new String[0], new String[0], null, null);

        boolean isEmpty() {
            return channels.length == 0 && ifVisiblePayload == null;
        }
    }

    private Pending pending() {
        boolean conditional = visibleWorkOf != null && !work.contains(prefix + ORCHESTRATIONS);
        int count = work.size() + instances.size();
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
        return new Pending(channels, payloads, conditional ? WORK_CHANNEL : null,
                conditional ? prefix + ORCHESTRATIONS : null);
    }

    /** Queues the notifications in the transaction of {@code connection}; one round trip whatever their number. */
    void send(Connection connection, Tables tables) throws SQLException {
        Pending pending = pending();
        if (pending.isEmpty()) {
            return;
        }
        String sql = "SELECT pg_notify(c, p) FROM unnest(?::text[], ?::text[]) AS n(c, p)";
        if (pending.ifVisiblePayload() != null) {
            sql += " UNION ALL SELECT pg_notify(?, ?) WHERE EXISTS (SELECT 1 FROM " + tables.inbox()
                    + " WHERE task_hub = ? AND instance_id = ? AND visible_at <= ?)";
        }
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, connection.createArrayOf("text", pending.channels()));
            ps.setArray(2, connection.createArrayOf("text", pending.payloads()));
            if (pending.ifVisiblePayload() != null) {
                ps.setString(3, pending.ifVisibleChannel());
                ps.setString(4, pending.ifVisiblePayload());
                ps.setString(5, hubKey);
                ps.setString(6, visibleWorkOf);
                PgTime.set(ps, 7, visibleAt);
            }
            ps.execute();
        }
        clear();
    }

    private void clear() {
        work.clear();
        instances.clear();
        visibleWorkOf = null;
    }
}
