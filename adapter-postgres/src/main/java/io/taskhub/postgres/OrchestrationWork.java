package io.taskhub.postgres;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Orchestration work items: claiming an instance's messages under a lease, and completing (one transaction per
 * checkpoint, fenced by the lease) or abandoning them.
 */
final class OrchestrationWork {
    /** The receipt of a work item: the inbox rows it delivered. */
    record InboxReceipt(List<Long> sequences) {
    }

    private final Tables t;
    private final String hubKey;
    private final MessageDelivery delivery;
    private final StepCalls calls;
    /** Whether a step's few handed activities go without task rows (V18); the query-plan test checks both ways. */
    private final boolean handsWithoutRows;
    /** Package-private so that the query-plan test can check how PostgreSQL runs them. */
    final String claimSql;
    /** The claim for a worker that runs some names only: the same, with the names' condition. */
    final String claimNamedSql;
    /** The claim of instances whose names no live worker runs (to fail them once they have waited too long). */
    final String claimExceptSql;
    /** The claim made with an activity's result: that one instance, if nobody holds it and it has work. */
    final String claimInstanceSql;
    final String claimInstanceNamedSql;

    OrchestrationWork(Tables tables, String hubKey, MessageDelivery delivery, boolean handsWithoutRows) {
        this.t = tables;
        this.handsWithoutRows = handsWithoutRows;
        this.hubKey = hubKey;
        this.delivery = delivery;
        this.calls = new StepCalls(tables);
        // The instance whose oldest visible message is oldest among instances nobody holds (no lease, or an
        // expired one). SKIP LOCKED passes over rows that a concurrent claim or checkpoint holds right now, and
        // the row's lease is rechecked on the locked row, so two claims never get the same instance. NO KEY
        // UPDATE does not conflict with the KEY SHARE locks of transactions sending messages to the instance.
        this.claimSql = claimSql("");
        // A condition of its own rather than "names IS NULL OR ...": one generic plan per shape stays fast.
        this.claimNamedSql = claimSql(" AND lower(i.name) = ANY(?::text[])");
        this.claimExceptSql = claimSql(" AND lower(i.name) <> ALL(?::text[])");
        this.claimInstanceSql = claimInstanceSql("");
        this.claimInstanceNamedSql = claimInstanceSql(" AND lower(i.name) = ANY(?::text[])");
    }

    /**
     * The end of every claim statement: the claimed instance's messages, taken by V9's {@code take_messages} in
     * the same statement (parameters: hub, now, at most, light).
     */
    private String takeMessages() {
        // The instance id goes in with the default collation: a PL/pgSQL function compares all its text
        // parameters in the collation of its arguments, and the column's "C" would make the hub's index (in the
        // default collation) useless to its statements.
        return " SELECT claimed.*, taken.* FROM claimed CROSS JOIN LATERAL " + t.schema()
                + ".take_messages(?::text, claimed.instance_id COLLATE \"default\", ?::timestamptz, ?::int,"
                + " ?::boolean) AS taken";
    }

    /**
     * The claim of the instance with the oldest visible work, which also says whether another instance nobody
     * holds has visible work ({@code more_visible}): only then does the claiming thread wake another waiter. (In a
     * burst of starts each woken thread used to wake one more, which mostly found nothing: two empty claims for
     * every one that found work.) Work that becomes visible after the statement's snapshot announces itself. The
     * look for more ignores the claimer's names: the workers of a hub in one process share their wake-ups, and
     * work another worker here runs must wake it.
     */
    private String claimSql(String namesCondition) {
        String unheldWithVisibleWork = t.inbox() + " m JOIN " + t.instances() + " i ON i.task_hub = m.task_hub"
                + " AND i.instance_id = m.instance_id WHERE m.task_hub = ? AND m.visible_at <= ?"
                + " AND (i.locked_until IS NULL OR i.locked_until <= ?)";
        return "WITH candidate AS (SELECT i.instance_id AS candidate_id FROM " + unheldWithVisibleWork
                + namesCondition + " ORDER BY m.seq LIMIT 1 FOR NO KEY UPDATE OF i SKIP LOCKED),"
                // Written as the candidate's search is, so that it is planned as that one is (in seq order).
                + " more AS (SELECT (SELECT m.seq FROM " + unheldWithVisibleWork
                + " AND m.instance_id <> (SELECT candidate_id FROM candidate) ORDER BY m.seq LIMIT 1) IS NOT NULL"
                + " AS more_visible),"
                + " claimed AS (UPDATE " + t.instances() + " SET lock_owner = ?, lock_token = ?, locked_until = ?"
                + " FROM candidate WHERE task_hub = ? AND instance_id = candidate.candidate_id"
                + " RETURNING " + InstanceRows.SELECT_COLUMNS + ")"
                + takeMessages().replace(" FROM claimed CROSS JOIN", ", more.more_visible FROM claimed CROSS JOIN more"
                        + " CROSS JOIN");
    }

    private String claimInstanceSql(String namesCondition) {
        return "WITH candidate AS (SELECT i.instance_id AS candidate_id FROM " + t.instances() + " i"
                + " WHERE i.task_hub = ? AND i.instance_id = ? AND (i.locked_until IS NULL OR i.locked_until <= ?)"
                + namesCondition + " AND EXISTS (SELECT 1 FROM " + t.inbox() + " m WHERE m.task_hub = i.task_hub"
                + " AND m.instance_id = i.instance_id AND m.visible_at <= ?) FOR NO KEY UPDATE OF i SKIP LOCKED),"
                + " claimed AS (UPDATE " + t.instances() + " SET lock_owner = ?, lock_token = ?, locked_until = ?"
                + " FROM candidate WHERE task_hub = ? AND instance_id = candidate.candidate_id"
                + " RETURNING " + InstanceRows.SELECT_COLUMNS + ")" + takeMessages();
    }

    /**
     * The claim made with an activity's result ({@link InstanceClaim}): the instance, when nobody holds it (a
     * transaction holding its row is passed over, not waited for), its orchestrator is accepted and it has visible
     * messages.
     */
    Optional<OrchestrationWorkItem> claimInstance(Connection c, String instanceId, InstanceClaim claim, Instant now)
            throws SQLException {
        return claimInstance(c, instanceId, claim, now, false);
    }

    /**
     * The same; {@code light}: the statement is its own transaction, whose commit need not wait for the disk (see
     * V9's {@code take_messages}).
     */
    Optional<OrchestrationWorkItem> claimInstance(Connection c, String instanceId, InstanceClaim claim, Instant now,
            boolean light) throws SQLException {
        Lease lease = new Lease(claim.owner(), LeaseTokens.next(), now.plus(claim.leaseDuration()));
        try (PreparedStatement ps = c.prepareStatement(claim.names().isAny() ? claimInstanceSql
                : claimInstanceNamedSql)) {
            int i = 1;
            ps.setString(i++, hubKey);
            ps.setString(i++, instanceId);
            PgTime.set(ps, i++, now);
            if (!claim.names().isAny()) {
                if (claim.names().isExcluding()) {
                    throw new IllegalArgumentException("A claim with a result names the orchestrators it accepts");
                }
                i = ActivityWork.bindNames(ps, i, claim.names());
            }
            PgTime.set(ps, i++, now);
            return lockAndTake(ps, i, lease, claim.maxMessages(), light, now, rs -> { });
        }
    }

    /** What a claim found, and whether other instances nobody holds have visible work. */
    record Claimed(Optional<OrchestrationWorkItem> item, boolean moreVisible) {
    }

    Claimed claim(Connection c, String owner, Duration leaseDuration, int maxMessages, NameFilter names, Instant now)
            throws SQLException {
        Lease lease = new Lease(owner, LeaseTokens.next(), now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement(names.isAny() ? claimSql
                : names.isExcluding() ? claimExceptSql : claimNamedSql)) {
            int i = 1;
            ps.setString(i++, hubKey); // the candidate
            PgTime.set(ps, i++, now);
            PgTime.set(ps, i++, now);
            i = ActivityWork.bindNames(ps, i, names);
            ps.setString(i++, hubKey); // whether there is more, whatever its name
            PgTime.set(ps, i++, now);
            PgTime.set(ps, i++, now);
            boolean[] more = new boolean[1];
            Optional<OrchestrationWorkItem> item = lockAndTake(ps, i, lease, maxMessages, true, now,
                    rs -> more[0] = rs.getBoolean("more_visible"));
            return new Claimed(item, more[0]);
        }
    }

    /** Reads what a claim statement returns beside the work item. */
    @FunctionalInterface
    private interface ExtraColumns {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * Binds the lease from parameter {@code index} on (owner, token, expiry, hub) of a claim statement, then what its
     * taking of messages needs (hub, now, at most, light), runs it, and reads the locked instance with its
     * messages; empty when the statement locked nothing.
     */
    private Optional<OrchestrationWorkItem> lockAndTake(PreparedStatement claim, int index, Lease lease,
            int maxMessages, boolean light, Instant now, ExtraColumns extra) throws SQLException {
        claim.setString(index, lease.owner());
        claim.setString(index + 1, lease.token());
        PgTime.set(claim, index + 2, lease.expiresAt());
        claim.setString(index + 3, hubKey);
        claim.setString(index + 4, hubKey);
        PgTime.set(claim, index + 5, now);
        claim.setInt(index + 6, maxMessages);
        claim.setBoolean(index + 7, light);
        try (ResultSet rs = claim.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            InstanceMetadata instance = InstanceRows.read(rs);
            extra.read(rs);
            return Optional.of(delivered(instance, lease, rs));
        }
    }

    /** The work item of an instance just locked under {@code lease}, with the messages its claim took. */
    private static OrchestrationWorkItem delivered(InstanceMetadata instance, Lease lease, ResultSet rs)
            throws SQLException {
        Long[] seqs = (Long[]) rs.getArray("seqs").getArray();
        String[] executionIds = (String[]) rs.getArray("execution_ids").getArray();
        String[] events = (String[]) rs.getArray("events").getArray();
        Object[] requestedAts = (Object[]) rs.getArray("requested_visible_ats").getArray();
        Object[] requestedNanos = (Object[]) rs.getArray("requested_visible_nss").getArray();
        Integer[] dequeueCounts = (Integer[]) rs.getArray("dequeue_counts").getArray();
        List<InstanceMessage> messages = new ArrayList<>(seqs.length);
        int dequeueCount = 1;
        for (int i = 0; i < seqs.length; i++) {
            Instant requested = requestedAts[i] == null ? null
                    : ((java.sql.Timestamp) requestedAts[i]).toInstant()
                            .plusNanos(requestedNanos[i] == null ? 0 : ((Number) requestedNanos[i]).longValue());
            messages.add(new InstanceMessage(instance.instanceId(), executionIds[i],
                    JsonCodec.readEvent(events[i]), requested));
            dequeueCount = Math.max(dequeueCount, dequeueCounts[i]);
        }
        return new OrchestrationWorkItem(instance.instanceId(), instance, messages, dequeueCount, lease,
                new InboxReceipt(List.of(seqs)));
    }

    /** An expired lease that nobody took over is still the holder's, so renewing it checks only the token. */
    Lease renew(Connection c, OrchestrationWorkItem item, Duration leaseDuration, Instant now) throws SQLException {
        Lease renewed = item.lease().renewedUntil(now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET locked_until = ?"
                + " WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            PgTime.set(ps, 1, renewed.expiresAt());
            ps.setString(2, hubKey);
            ps.setString(3, item.instanceId());
            ps.setString(4, item.lease().token());
            if (ps.executeUpdate() == 0) {
                throw lost(item, "another worker claimed the instance, or it was purged or replaced");
            }
        }
        return renewed;
    }

    /**
     * Commits a claimed item's step: its messages consumed, the lease released (while it holds, else
     * {@link LockLostException}), the row, history and tasks written, in one call; then the step's messages
     * delivered; the notifications are gathered in {@code notices}. Returns the tasks handed to the committer.
     */
    List<ActivityWorkItem> complete(Connection c, OrchestrationWorkItem item, Checkpoint checkpoint,
            TaskHandOff handOff, Instant now, Notices notices) throws SQLException {
        InboxReceipt receipt = receiptOf(item);
        InstanceMetadata row = checkpoint.instance();
        if (row != null && !row.instanceId().equals(item.instanceId())) {
            throw new IllegalArgumentException("The checkpoint's instance row is for '" + row.instanceId()
                    + "' but the work item is for '" + item.instanceId() + "'.");
        }
        StepCalls.Tasks tasks = new StepCalls.Tasks(checkpoint.activityTasks(), handOff, now, handsWithoutRows,
                checkpoint);
        announce(item.instanceId(), checkpoint, tasks, notices);
        // Released with messages that arrived meanwhile: someone may take them now.
        notices.orchestrationWorkIfVisible(item.instanceId());
        List<ActivityWorkItem> handedOff;
        try (PreparedStatement ps = c.prepareStatement(calls.commitStepSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, item.instanceId());
            PgTime.set(ps, 3, now);
            ps.setString(4, item.lease().token());
            PgArrays.bigint(ps, 5, receipt.sequences());
            int next = StepCalls.bindStep(ps, 6, checkpoint, tasks);
            ps.setNull(next, java.sql.Types.VARCHAR); // the conditional notification: the relay's, too
            ps.setNull(next + 1, java.sql.Types.VARCHAR);
            handedOff = tasks.handed(callResult(ps, () -> lost(item, "the lease expired, or another worker claimed"
                    + " the instance, or it was purged or replaced")));
        }
        // Messages go last: a start message may replace this very instance, which must see the new row.
        delivery.deliver(c, checkpoint.messages(), now, false, notices);
        return handedOff;
    }

    /**
     * Commits an activity's result together with the step it brings, computed elsewhere from revision
     * {@code expectedRevision} of the instance, if that step may be committed now (see V9's
     * {@code commit_result_with_step}); empty, with nothing changed, if not. The task's lost lease is a
     * {@link LockLostException}. Returns the tasks handed to the committer.
     */
    Optional<List<ActivityWorkItem>> completeWithStep(Connection c, ActivityWorkItem task, String instanceId,
            long expectedRevision, Checkpoint step, TaskHandOff handOff, Instant now, Notices notices)
            throws SQLException {
        StepCalls.Tasks tasks = new StepCalls.Tasks(step.activityTasks(), handOff, now, handsWithoutRows, step);
        // Gathered apart: they are sent only if the step is taken.
        Notices own = new Notices(t.schema(), hubKey);
        announce(instanceId, step, tasks, own);
        // Results that came while the call held the row found it held: someone may take them now.
        own.orchestrationWorkIfVisible(instanceId);
        Array handed;
        try (PreparedStatement ps = c.prepareStatement(calls.commitResultWithStepSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, instanceId);
            PgTime.set(ps, 3, now);
            if (task.receipt() instanceof ActivityWork.HandedReceipt rowless) {
                ps.setNull(4, java.sql.Types.BIGINT);
                ps.setString(5, rowless.entry());
            } else {
                ps.setLong(4, ActivityWork.receiptOf(task).seq());
                ps.setString(5, task.lease().token());
            }
            ps.setLong(6, expectedRevision);
            StepCalls.bindStep(ps, 7, step, tasks);
            handed = callResult(ps, () -> ActivityWork.lost(task, ActivityWork.LOST_TASK));
        }
        if (handed == null) {
            return Optional.empty();
        }
        notices.addAll(own);
        delivery.deliver(c, step.messages(), now, false, notices);
        return Optional.of(tasks.handed(handed));
    }

    /**
     * Creates the instance of {@code created} (not stored yet) with its first step, {@code step}, in one call (V16's
     * {@code create_with_step}), then delivers the step's messages; empty, with nothing changed, when an instance has
     * the id. Returns the tasks handed to the caller.
     */
    Optional<List<ActivityWorkItem>> createWithStep(Connection c, OrchestrationWorkItem created, Checkpoint step,
            TaskHandOff handOff, Instant now, Notices notices) throws SQLException {
        step.requireFirstStepOf(created.instanceId());
        StepCalls.Tasks tasks = new StepCalls.Tasks(step.activityTasks(), handOff, now, handsWithoutRows, step);
        Array handed;
        try (PreparedStatement ps = c.prepareStatement(calls.createWithStepSql)) {
            ps.setString(1, hubKey);
            ps.setString(2, created.instanceId());
            PgTime.set(ps, 3, now);
            ps.setLong(4, created.instance().revision() + 1);
            StepCalls.bindStep(ps, 5, step, tasks);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                handed = rs.getArray(1);
            }
        }
        if (handed == null) {
            return Optional.empty();
        }
        announce(created.instanceId(), step, tasks, notices);
        delivery.deliver(c, step.messages(), now, false, notices);
        return Optional.of(tasks.handed(handed));
    }

    /** What a step's commit tells others: tasks anyone may claim, and a changed instance. */
    private static void announce(String instanceId, Checkpoint step, StepCalls.Tasks tasks, Notices notices) {
        if (tasks.anyForClaims()) {
            notices.activityWork();
        }
        if (StepCalls.changes(step)) {
            notices.instanceChanged(instanceId);
        }
    }

    /** Runs a call that returns an array (or NULL); the functions' lost-lease error becomes {@code lost}. */
    private static Array callResult(PreparedStatement ps, java.util.function.Supplier<LockLostException> lost)
            throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getArray(1);
        } catch (SQLException e) {
            if (StepCalls.LEASE_LOST.equals(e.getSQLState())) {
                throw lost.get();
            }
            throw e;
        }
    }

    /** Releases the instance and delays its messages; {@code counted} false takes back the claim's count. */
    void abandon(Connection c, OrchestrationWorkItem item, Duration retryDelay, Instant now, Notices notices,
            boolean counted) throws SQLException {
        InboxReceipt receipt = receiptOf(item);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET lock_owner = NULL,"
                + " lock_token = NULL, locked_until = NULL WHERE task_hub = ? AND instance_id = ? AND lock_token = ?")) {
            ps.setString(1, hubKey);
            ps.setString(2, item.instanceId());
            ps.setString(3, item.lease().token());
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.inbox() + " SET visible_at = ?"
                + (counted ? "" : ", dequeue_count = greatest(dequeue_count - 1, 0)")
                + " WHERE task_hub = ? AND instance_id = ? AND seq = ANY(?)")) {
            Instant visibleAt = PgTime.ceil(now.plus(retryDelay));
            PgTime.set(ps, 1, visibleAt);
            ps.setString(2, hubKey);
            ps.setString(3, item.instanceId());
            PgArrays.bigint(ps, 4, receipt.sequences());
            ps.executeUpdate();
            notices.orchestrationWorkOf(item.instanceId(), visibleAt, now);
        }
    }

    private static InboxReceipt receiptOf(OrchestrationWorkItem item) {
        if (item.receipt() instanceof InboxReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("The work item for '" + item.instanceId()
                + "' was not claimed from a PostgreSQL store (receipt " + item.receipt() + ").");
    }

    private static LockLostException lost(OrchestrationWorkItem item, String why) {
        return new LockLostException("The lease on instance '" + item.instanceId() + "' held by '"
                + item.lease().owner() + "' is lost: " + why + ".");
    }
}
