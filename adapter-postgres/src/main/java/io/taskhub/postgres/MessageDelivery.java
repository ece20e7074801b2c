package io.taskhub.postgres;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Puts messages into inboxes inside the caller's transaction, applying the start rules of the SPI: a start
 * creates a missing instance, is enqueued for the current execution, replaces a terminal instance, and is
 * dropped otherwise.
 *
 * <p>Target rows are locked first, in id order (fewer deadlocks between concurrent senders): FOR KEY SHARE
 * where only a message is added (it keeps the instance from being deleted under the message, yet does not
 * block the instance's own checkpoints), FOR NO KEY UPDATE where a start may create or replace it.
 */
final class MessageDelivery {
    /** What the rules need to know of an existing target instance. */
    private record Target(String executionId, RuntimeStatus status) {
    }

    /** An inbox row about to be inserted. */
    private record Row(String instanceId, InstanceMessage message, Instant visibleAt) {
    }

    private final Tables t;
    private final String hubKey;
    /** Inserts a Pending instance unless its id exists (see {@link #insertInstance}). */
    private final String insertInstanceSql;
    private final String insertMessageSql;
    private final String createIfMissingSql;
    private final String createHeldIfMissingSql;

    /** The start of an INSERT of one inbox row, for statements that insert messages their own way. */
    String insertMessageSql() {
        return insertMessageSql;
    }

    MessageDelivery(Tables tables, String hubKey) {
        this.t = tables;
        this.hubKey = hubKey;
        this.insertInstanceSql = "INSERT INTO " + t.instances() + " (task_hub, instance_id, revision, "
                + InstanceRows.METADATA_COLUMNS + ") VALUES (?, ?, (extract(epoch FROM clock_timestamp()) * 1000000)"
                + "::bigint" + ", ?".repeat(InstanceRows.METADATA_COLUMN_COUNT)
                + ") ON CONFLICT (task_hub, instance_id) DO NOTHING";
        this.insertMessageSql = "INSERT INTO " + t.inbox() + " (task_hub, instance_id, execution_id, event,"
                + " requested_visible_at, requested_visible_ns, visible_at)";
        // The instance and its start message in one statement, all or nothing: the message comes from the row
        // the insert returns, so an existing id changes nothing.
        this.createIfMissingSql = "WITH created AS (" + insertInstanceSql + " RETURNING instance_id), queued AS ("
                + insertMessageSql + " SELECT ?, instance_id, ?, ?, ?, ?, ? FROM created)"
                + " SELECT 1 FROM created";
        // The same, the row held under the caller's lease and its start taken (dequeued once), as a claim leaves
        // them: what the caller runs at once needs no claim.
        this.createHeldIfMissingSql = "WITH created AS (" + insertInstanceSql.replace(
                InstanceRows.METADATA_COLUMNS + ")", InstanceRows.METADATA_COLUMNS + ", lock_owner, lock_token,"
                        + " locked_until)").replace(") ON CONFLICT", ", ?, ?, ?) ON CONFLICT")
                + " RETURNING instance_id, revision), queued AS (" + insertMessageSql.replace("visible_at)",
                        "visible_at, dequeue_count)") + " SELECT ?, instance_id, ?, ?, ?, ?, ?, 1 FROM created"
                + " RETURNING seq) SELECT created.revision, queued.seq FROM created CROSS JOIN queued";
    }

    /**
     * Creates instance {@code instanceId} as {@link #createIfMissing} does, held by {@code claim.owner()} with its
     * start taken, and returns it as that owner's work item; empty, with nothing changed, if the id exists. Nobody
     * needs waking: nobody else may take it while the lease holds. The start must be visible now.
     */
    Optional<OrchestrationWorkItem> createHeldIfMissing(Connection c, String instanceId, ExecutionStarted started,
            InstanceClaim claim, Instant now) throws SQLException {
        InstanceMessage message = startOf(instanceId, started);
        Lease lease = new Lease(claim.owner(), LeaseTokens.next(), now.plus(claim.leaseDuration()));
        InstanceMetadata row = InstanceRows.pending(instanceId, started, now);
        try (PreparedStatement ps = c.prepareStatement(createHeldIfMissingSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            int i = InstanceRows.bindMetadata(ps, 3, row);
            ps.setString(i++, lease.owner());
            ps.setString(i++, lease.token());
            PgTime.set(ps, i++, lease.expiresAt());
            bindMessage(ps, i, message, startVisibleAt(message, now));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new OrchestrationWorkItem(instanceId, row.toBuilder().revision(rs.getLong(1))
                        .build(), List.of(message), 1, lease,
                        new OrchestrationWork.InboxReceipt(List.of(rs.getLong(2)))));
            }
        }
    }

    /**
     * Creates instance {@code instanceId} with its start message if no instance has that id, in one statement,
     * and gathers its notifications; false, with nothing changed or gathered, if the id exists (then
     * {@link #create} applies the start rules).
     */
    boolean createIfMissing(Connection c, String instanceId, ExecutionStarted started, Instant now, Notices notices)
            throws SQLException {
        InstanceMessage message = startOf(instanceId, started);
        Instant visibleAt = startVisibleAt(message, now);
        try (PreparedStatement ps = c.prepareStatement(createIfMissingSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            int i = InstanceRows.bindMetadata(ps, 3, InstanceRows.pending(instanceId, started, now));
            bindMessage(ps, i, message, visibleAt);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
        }
        notices.instanceChanged(instanceId);
        notices.orchestrationWorkOf(instanceId, visibleAt, now);
        return true;
    }

    private static InstanceMessage startOf(String instanceId, ExecutionStarted started) {
        return new InstanceMessage(instanceId, started.executionId(), started, started.scheduledStartAt());
    }

    /** Binds a message's inbox row after the instance id (hub, execution, event, requested time, visible time). */
    int bindMessage(PreparedStatement ps, int index, InstanceMessage m, Instant visibleAt)
            throws SQLException {
        ps.setString(index, hubKey);
        ps.setString(index + 1, m.executionId());
        ps.setString(index + 2, JsonCodec.writeEvent(m.event()));
        PgTime.setExact(ps, index + 3, m.visibleAt());
        PgTime.set(ps, index + 5, visibleAt);
        return index + 6;
    }

    /**
     * Delivers {@code messages} in order.
     *
     * @param strict true for {@code sendMessages}: a non-start message to a missing instance throws
     *               {@link InstanceNotFoundException} before anything is written; false for checkpoints and
     *               activity results, which drop such messages
     */
    void deliver(Connection c, List<InstanceMessage> messages, Instant now, boolean strict, Notices notices)
            throws SQLException {
        if (messages.isEmpty()) {
            return;
        }
        if (!strict && messages.stream().noneMatch(InstanceMessage::isStart)) {
            insertWhereTargetExists(c, messages, now, notices);
            return;
        }
        Set<String> startTargets = new TreeSet<>();
        Set<String> otherTargets = new TreeSet<>();
        for (InstanceMessage m : messages) {
            (m.isStart() ? startTargets : otherTargets).add(m.instanceId());
        }
        otherTargets.removeAll(startTargets);
        Map<String, Target> targets = new HashMap<>();
        lockTargets(c, startTargets, "FOR NO KEY UPDATE", targets);
        lockTargets(c, otherTargets, "FOR KEY SHARE", targets);
        if (strict) {
            requireTargets(messages, targets);
        }
        List<Row> rows = new ArrayList<>();
        for (InstanceMessage m : messages) {
            if (!m.isStart()) {
                if (targets.containsKey(m.instanceId())) {
                    rows.add(new Row(m.instanceId(), m, m.visibleAt() == null ? now : PgTime.ceil(m.visibleAt())));
                }
                continue;
            }
            start(c, m, targets, null, now, rows, notices);
        }
        insert(c, rows, now, notices);
    }

    /**
     * Creates instance {@code instanceId}, or replaces it when its status is in {@code replaceable}, and
     * enqueues the start.
     *
     * @throws InstanceAlreadyExistsException the instance exists and its status is not replaceable
     */
    void create(Connection c, String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceable,
            Instant now, Notices notices) throws SQLException {
        Map<String, Target> targets = new HashMap<>();
        lockTargets(c, Set.of(instanceId), "FOR NO KEY UPDATE", targets);
        InstanceMessage message = startOf(instanceId, started);
        List<Row> rows = new ArrayList<>();
        start(c, message, targets, replaceable == null ? Set.of() : replaceable, now, rows, notices);
        insert(c, rows, now, notices);
    }

    /**
     * Applies the start rules to one start message.
     *
     * @param replaceable null for the rule of sendMessages (the message says in which statuses it replaces an
     *                    instance of another execution; otherwise it is dropped); otherwise createInstance's rule
     *                    (replace when the status is in the set, else throw)
     */
    private void start(Connection c, InstanceMessage m, Map<String, Target> targets, Set<RuntimeStatus> replaceable,
            Instant now, List<Row> rows, Notices notices) throws SQLException {
        ExecutionStarted started = (ExecutionStarted) m.event();
        String id = m.instanceId();
        Target target = targets.get(id);
        if (target == null) {
            if (insertInstance(c, id, started, now)) {
                targets.put(id, new Target(started.executionId(), RuntimeStatus.Pending));
                rows.add(new Row(id, m, startVisibleAt(m, now)));
                notices.instanceChanged(id);
                return;
            }
            // Created by a concurrent transaction after we looked: apply the rules to what it created.
            lockTargets(c, Set.of(id), "FOR NO KEY UPDATE", targets);
            target = targets.get(id);
        }
        boolean replace;
        if (replaceable != null) {
            if (!replaceable.contains(target.status())) {
                throw new InstanceAlreadyExistsException(id, target.status());
            }
            replace = true;
        } else if (started.executionId().equals(target.executionId())) {
            rows.add(new Row(id, m, startVisibleAt(m, now)));
            return;
        } else {
            replace = m.replaces().contains(target.status()); // the condition the message carries
        }
        if (replace) {
            rows.removeIf(r -> r.instanceId().equals(id)); // replacing empties the inbox, this batch's part too
            replaceInstance(c, id, started, now);
            targets.put(id, new Target(started.executionId(), RuntimeStatus.Pending));
            rows.add(new Row(id, m, startVisibleAt(m, now)));
            notices.instanceChanged(id);
        }
    }

    private static Instant startVisibleAt(InstanceMessage m, Instant now) {
        Instant at = m.visibleAt() != null ? m.visibleAt() : ((ExecutionStarted) m.event()).scheduledStartAt();
        return at == null ? now : PgTime.ceil(at);
    }

    private static void requireTargets(List<InstanceMessage> messages, Map<String, Target> targets) {
        Set<String> startedInBatch = new HashSet<>();
        for (InstanceMessage m : messages) {
            if (m.isStart()) {
                startedInBatch.add(m.instanceId());
            } else if (!targets.containsKey(m.instanceId()) && !startedInBatch.contains(m.instanceId())) {
                throw new InstanceNotFoundException(m.instanceId());
            }
        }
    }

    private void lockTargets(Connection c, Set<String> ids, String lockMode, Map<String, Target> into)
            throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT instance_id, execution_id, runtime_status FROM "
                + t.instances() + " WHERE task_hub = ? AND instance_id = ANY(?) ORDER BY instance_id " + lockMode)) {
            ps.setString(1, hubKey);
            PgArrays.text(ps, 2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.put(rs.getString(1), new Target(rs.getString(2), RuntimeStatus.valueOf(rs.getString(3))));
                }
            }
        }
    }

    /**
     * Inserts a new Pending instance; false when one with that id was created concurrently.
     *
     * <p>Its first revision is the database clock in microseconds. Every later revision of the instance is one
     * more, written by a transaction of its own, and no transaction takes less than a microsecond: so an id
     * that is purged and created again starts above any revision its earlier instance reached, and nobody
     * holding an old revision (a waiter, a cached session) mistakes the new instance for the old one.
     */
    private boolean insertInstance(Connection c, String id, ExecutionStarted started, Instant now)
            throws SQLException {
        InstanceMetadata row = InstanceRows.pending(id, started, now);
        try (PreparedStatement ps = c.prepareStatement(insertInstanceSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, id);
            InstanceRows.bindMetadata(ps, 3, row);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Starts the instance over: its history, inbox and tasks go (with the entries of the activities handed without
     * rows, V18), the row becomes Pending with a higher revision (so no cached state of the old execution matches)
     * and without a lease (so the old execution's worker cannot commit into the new one).
     */
    private void replaceInstance(Connection c, String id, ExecutionStarted started, Instant now)
            throws SQLException {
        InstanceData.delete(c, t, hubKey, List.of(id));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET "
                + InstanceRows.METADATA_ASSIGNMENTS + ", revision = revision + 1, lock_owner = NULL,"
                + " lock_token = NULL, locked_until = NULL, handed = NULL, handed_owner = NULL,"
                + " handed_until = NULL"
                + " WHERE task_hub = ? AND instance_id = ?")) {
            int next = InstanceRows.bindMetadata(ps, 1, InstanceRows.pending(id, started, now));
            ps.setString(next, hubKey);
            ps.setString(next + 1, id);
            ps.executeUpdate();
        }
    }

    /**
     * The common case of checkpoints and activity results (events and results, no starts, missing targets
     * dropped) in one batch: each row is inserted only if its instance exists, which it then keeps locked
     * FOR KEY SHARE like {@link #lockTargets} would.
     */
    private void insertWhereTargetExists(Connection c, List<InstanceMessage> messages, Instant now,
            Notices notices) throws SQLException {
        int[] inserted;
        try (PreparedStatement ps = c.prepareStatement(insertMessageSql + " SELECT ?, ?, ?, ?, ?, ?, ? FROM "
                + t.instances() + " WHERE task_hub = ? AND instance_id = ?"
                + " FOR KEY SHARE")) {
            for (InstanceMessage m : messages) {
                ps.setString(1, hubKey);
                ps.setString(2, m.instanceId());
                ps.setString(3, m.executionId());
                ps.setString(4, JsonCodec.writeEvent(m.event()));
                PgTime.setExact(ps, 5, m.visibleAt());
                PgTime.set(ps, 7, visibleAt(m, now));
                ps.setString(8, hubKey);
                ps.setString(9, m.instanceId());
                ps.addBatch();
            }
            inserted = ps.executeBatch();
        }
        for (int i = 0; i < inserted.length; i++) {
            // A rewritten batch reports SUCCESS_NO_INFO (-2) per row: announced, as it may have inserted.
            if (inserted[i] != 0) {
                notices.orchestrationWorkOf(messages.get(i).instanceId(), visibleAt(messages.get(i), now), now);
            }
        }
    }

    private static Instant visibleAt(InstanceMessage m, Instant now) {
        return m.visibleAt() == null ? now : PgTime.ceil(m.visibleAt());
    }

    private void insert(Connection c, List<Row> rows, Instant now, Notices notices) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insertMessageSql + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Row row : rows) {
                InstanceMessage m = row.message();
                ps.setString(1, hubKey);
                ps.setString(2, row.instanceId());
                ps.setString(3, m.executionId());
                ps.setString(4, JsonCodec.writeEvent(m.event()));
                PgTime.setExact(ps, 5, m.visibleAt());
                PgTime.set(ps, 7, row.visibleAt());
                ps.addBatch();
                if (m.isStart()) {
                    // A start replaces or re-creates the instance, whose holder here (if any) then loses its
                    // lease, and with it the look for work that came meanwhile: announced to everyone.
                    notices.orchestrationWorkAt(row.visibleAt(), now);
                } else {
                    notices.orchestrationWorkOf(row.instanceId(), row.visibleAt(), now);
                }
            }
            ps.executeBatch();
        }
    }
}
