package io.taskhub.postgres;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.store.ActivityClaim;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Activity work items: each task row is claimed under its own lease and deleted when its result is in. */
final class ActivityWork {
    /** Why a task's completion found no task under its lease. */
    static final String LOST_TASK = "the lease expired, the task was claimed by another worker or already"
            + " completed, or its instance was purged or replaced";

    /** The receipt of an activity work item: the task row it was claimed from. */
    record TaskReceipt(long seq) {
    }

    /**
     * The receipt of an activity handed to this process without a task row (V18): its entry on the instance's row,
     * which fences its result as a row's lease would.
     */
    record HandedReceipt(String entry) {
    }

    static boolean isHanded(ActivityWorkItem item) {
        return item.receipt() instanceof HandedReceipt;
    }

    private final Tables t;
    private final String hubKey;
    private final MessageDelivery delivery;
    /** Package-private so that the query-plan test can check how PostgreSQL runs it. */
    final String claimSql;
    /** The claim for a worker that runs some names only. */
    final String claimNamedSql;
    /** The claim of tasks whose names no live worker runs (to fail them once they have waited too long). */
    final String claimExceptSql;
    /** A task's completion in one statement (see {@link #completeAlone}). */
    final String completeSql;
    /** The same for a task handed without a row: its entry goes, and its result comes in. */
    final String completeHandedSql;
    /** A task handed without a row and given back: its entry goes, and a task row anyone may claim comes. */
    final String releaseHandedSql;
    /** The same with the claim of the next task (see {@link #completeAndClaim}). */
    final String completeAndClaimSql;
    final String completeAndClaimNamedSql;
    /** The statements of {@link #completeAndClaimAll} made so far, by batch size (negative: with names). */
    private final Map<Integer, String> completeAndClaimAllSqls = new ConcurrentHashMap<>();

    ActivityWork(Tables tables, String hubKey, MessageDelivery delivery) {
        this.t = tables;
        this.hubKey = hubKey;
        this.delivery = delivery;
        // The oldest visible task that nobody holds; SKIP LOCKED passes over tasks being claimed right now.
        this.claimSql = claimSql("");
        this.claimNamedSql = claimSql(" AND lower(x.name) = ANY(p.names)");
        this.claimExceptSql = claimSql(" AND lower(x.name) <> ALL(p.names)");
        // The instance is kept FOR KEY SHARE as MessageDelivery does; nothing at all happens when the lease is lost.
        this.completeSql = completeCte()
                + " SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM queued) AS queued";
        this.completeHandedSql = "WITH done AS (" + removeEntrySql() + " RETURNING instance_id), queued AS ("
                + delivery.insertMessageSql() + " SELECT ?, d.instance_id, ?, ?, ?, ?, ? FROM done d RETURNING 1)"
                + " SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM queued) AS queued";
        this.releaseHandedSql = "WITH taken AS (" + removeEntrySql() + " RETURNING instance_id) INSERT INTO "
                + t.tasks() + " (task_hub, instance_id, execution_id, task_id, name, input, visible_at,"
                + " dequeue_count, trace_parent) SELECT ?, d.instance_id, ?, ?, ?, ?, ?, ?, ? FROM taken d";
        this.completeAndClaimSql = completeAndClaimSql("");
        this.completeAndClaimNamedSql = completeAndClaimSql(" AND lower(x.name) = ANY(p.names)");
    }

    /**
     * The task to claim, locked for the claim; one row or none. Its parameters: the hub, now (twice) and, with a
     * names condition (on {@code x.name}, against {@code p.names}), the names. First a task whose lease ran out
     * (the soonest expired), then the oldest visible task nobody holds (the names accept either).
     *
     * <p>Two looks, each through an index of its own (V14), rather than one pass in task order that skips the held
     * ones: the tasks handed over with a step are held from their insertion, so in a burst the oldest thousands of
     * a hub are held, and every claim passed over all of them (1.2 to 1.9 ms and hundreds of buffers a call, most
     * finding nothing). The second look runs only when the first finds nothing.
     *
     * <p>The first look's other conditions are checked in a form no index serves ({@code (...) IS TRUE}, which a
     * WHERE clause reads as it reads them bare), so that it can only read the index of lease ends. Planned while
     * the table had never been analyzed (a new schema's first fan-out, until the backend's housekeeping analyzes
     * it), it otherwise read the hub's range of the primary key (alone or with that index) or, with bound values,
     * the visible tasks of every hub through their index, which the planner took for a few rows: in a fan-in of
     * 10,000 a result's statement read 94 to 118 buffers and took 0.6 to 2.9 ms, against 42 to 60 and 0.1 to 0.3
     * ms once the table was analyzed. The price, where several hubs share the schema: the look passes over the
     * other hubs' tasks whose lease ran out and which nobody took over yet (a hub whose workers are all gone).
     */
    private String nextTaskSql(String namesCondition) {
        String namesParameter = namesCondition.isEmpty() ? "" : ", ?::text[] AS names";
        return "SELECT coalesce("
                + "(SELECT x.seq FROM " + t.tasks() + " x WHERE x.lock_owner IS NOT NULL"
                + " AND " + LEASE_END + " <= (p.lease_now AT TIME ZONE 'UTC')"
                + " AND (x.task_hub = p.hub AND x.visible_at <= p.now" + namesCondition + ") IS TRUE"
                + " ORDER BY " + LEASE_END + " LIMIT 1 FOR UPDATE SKIP LOCKED),"
                + " (SELECT x.seq FROM " + t.tasks() + " x WHERE x.task_hub = p.hub AND x.locked_until IS NULL"
                + " AND x.visible_at <= p.now" + namesCondition + " ORDER BY x.seq LIMIT 1 FOR UPDATE SKIP LOCKED))"
                + " FROM (SELECT ?::text AS hub, ?::timestamptz AS now, ?::timestamptz AS lease_now"
                + namesParameter + ") AS p";
    }

    /** The end of a task's lease as ix_activity_tasks_lease_end holds it (V14). */
    private static final String LEASE_END = "(x.locked_until AT TIME ZONE 'UTC')";

    private static final String CLAIMED_COLUMNS =
            "seq, instance_id, execution_id, task_id, name, input, dequeue_count, trace_parent";

    /**
     * One statement, run alone (autocommit): its commit need not wait for the disk (see
     * {@link Database#inLightTransaction}), which it says itself, so a claim is one round trip.
     */
    private String claimSql(String namesCondition) {
        return "WITH light AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
                + " UPDATE " + t.tasks() + " SET lock_owner = ?, lock_token = ?, locked_until = ?,"
                + " dequeue_count = dequeue_count + 1 FROM light WHERE task_hub = ? AND seq = ("
                + nextTaskSql(namesCondition) + ") RETURNING " + CLAIMED_COLUMNS;
    }

    /**
     * An activity's result and the claim of the next task, in one statement (durable: it stores the result). The
     * claim happens only if the completion did; the finished task is not a candidate, as its lease still holds.
     */
    private String completeAndClaimSql(String namesCondition) {
        return completeCte() + ", claimed AS (UPDATE " + t.tasks() + " SET lock_owner = ?, lock_token = ?,"
                + " locked_until = ?, dequeue_count = dequeue_count + 1 WHERE task_hub = ? AND seq = ("
                + nextTaskSql(namesCondition) + ") AND EXISTS (SELECT 1 FROM done) RETURNING " + CLAIMED_COLUMNS + ")"
                + " SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM queued) AS queued, claimed.*"
                + " FROM (SELECT 1) AS one LEFT JOIN claimed ON true";
    }

    /**
     * Completions of {@code n} tasks and the claims of as many next tasks as were completed, in one statement
     * (durable: it stores the results). Its parameters: the completions as arrays (task, token, instance, execution,
     * event, requested visibility and its nanoseconds, visibility), the hub, the tasks again and now (the fencing),
     * the hub twice (the results), the lease's end, now and the hub (the look for expired leases), the hub and now
     * (the look for unheld tasks), with a names condition the names after each look's hub and now, then the claim's
     * owner, tokens and lease end and the hub. Each look is {@link #nextTaskSql}'s, for up to {@code n} tasks (a
     * literal, so that each batch size is planned for what it takes), and every value a look compares with is
     * bound, so that it reads the same indexes as the claim of one task.
     */
    private String completeAndClaimAllSql(boolean named, int n) {
        String names = named ? " AND lower(x.name) = ANY(?::text[])" : "";
        String k = "(SELECT count(*) FROM done)";
        return "WITH input AS MATERIALIZED (SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::timestamptz[], ?::smallint[], ?::timestamptz[]) WITH ORDINALITY"
                + " AS u(seq, token, instance_id, execution_id, event, requested_at, requested_ns, visible_at, ord)),"
                // The tasks by their keys, whatever the statistics; each fenced by its own lease.
                + " done AS (DELETE FROM " + t.tasks() + " x USING input u WHERE x.task_hub = ?"
                + " AND x.seq = ANY(?::bigint[]) AND u.seq = x.seq AND x.lock_token = u.token AND x.locked_until > ?"
                // Which completion it was: a task given twice (an expired lease's holder and the one that took it
                // over, both in this process) is done for the one whose token holds it only.
                + " RETURNING u.ord),"
                + " queued AS (" + delivery.insertMessageSql() + " SELECT ?, i.instance_id, u.execution_id, u.event,"
                + " u.requested_at, u.requested_ns, u.visible_at FROM input u JOIN done d ON d.ord = u.ord JOIN "
                + t.instances() + " i ON i.task_hub = ? AND i.instance_id = u.instance_id ORDER BY u.ord"
                + " FOR KEY SHARE OF i RETURNING instance_id),"
                // Each look locks what it finds in a query of its own (a UNION cannot lock): expired leases first.
                + " expired AS (SELECT x.seq FROM " + t.tasks() + " x WHERE x.lock_owner IS NOT NULL"
                + " AND " + LEASE_END + " <= (?::timestamptz AT TIME ZONE 'UTC')"
                + " AND (x.task_hub = ? AND x.visible_at <= ?" + names + ") IS TRUE"
                + " ORDER BY " + LEASE_END + " LIMIT " + n + " FOR UPDATE SKIP LOCKED),"
                + " unheld AS (SELECT x.seq FROM " + t.tasks() + " x WHERE x.task_hub = ?"
                + " AND x.locked_until IS NULL AND x.visible_at <= ?" + names
                + " ORDER BY x.seq LIMIT " + n + " FOR UPDATE SKIP LOCKED),"
                + " candidates AS (SELECT s.seq, row_number() OVER (ORDER BY s.look, s.pos) AS n FROM ("
                + "SELECT seq, 0 AS look, row_number() OVER () AS pos FROM expired UNION ALL"
                + " SELECT seq, 1, row_number() OVER () FROM unheld) s ORDER BY s.look, s.pos LIMIT " + k + "),"
                + " claimed AS (UPDATE " + t.tasks() + " x SET lock_owner = ?, lock_token = (?::text[])[c.n],"
                + " locked_until = ?, dequeue_count = x.dequeue_count + 1 FROM candidates c WHERE x.task_hub = ?"
                + " AND x.seq = ANY(ARRAY(SELECT seq FROM candidates)) AND c.seq = x.seq"
                + " RETURNING x." + CLAIMED_COLUMNS.replace(", ", ", x.") + ", x.lock_token)"
                + " SELECT (SELECT array_agg(ord) FROM done) AS done, (SELECT array_agg(DISTINCT instance_id)"
                + " FROM queued) AS queued, (SELECT count(*) FROM expired) + (SELECT count(*) FROM unheld) AS locked,"
                + " claimed.* FROM (SELECT 1) AS one LEFT JOIN claimed ON true";
    }

    private String completeAndClaimAllSql(NameFilter names, int n) {
        boolean named = !names.isAny();
        return completeAndClaimAllSqls.computeIfAbsent(named ? -n : n, key -> completeAndClaimAllSql(named, n));
    }

    /** A completion of a batch: the task and its result. */
    record Completion(ActivityWorkItem item, InstanceMessage result) {
    }

    /** What a batch did for one completion: whether its lease still held it (else nothing), and its next task. */
    record Completed(boolean done, Optional<ActivityWorkItem> claimed) {
    }

    /**
     * {@link #completeAndClaim} for several tasks in one statement, with one claim, {@code next}, made for each task
     * completed: the outcomes in the batch's order. Tasks whose lease was lost change nothing and claim nothing.
     * Returns empty when a time of the batch cannot be written as the statement needs (years outside 1 to 9999):
     * then nothing was done.
     */
    Optional<List<Completed>> completeAndClaimAll(Connection c, List<Completion> batch, ActivityClaim next,
            Instant now, Notices notices) throws SQLException {
        if (next.names().isExcluding()) {
            throw new IllegalArgumentException("A claim with a result names the activities it accepts");
        }
        int n = batch.size();
        Long[] seqs = new Long[n];
        String[] tokens = new String[n];
        String[] instanceIds = new String[n];
        String[] executionIds = new String[n];
        String[] events = new String[n];
        String[] requestedAts = new String[n];
        Integer[] requestedNanos = new Integer[n];
        String[] visibleAts = new String[n];
        Instant[] visible = new Instant[n];
        String[] claimTokens = new String[n];
        for (int i = 0; i < n; i++) {
            Completion completion = batch.get(i);
            InstanceMessage result = completion.result();
            if (result.isStart()) {
                throw new IllegalArgumentException("An activity's result cannot start an instance");
            }
            seqs[i] = receiptOf(completion.item()).seq();
            tokens[i] = completion.item().lease().token();
            instanceIds[i] = result.instanceId();
            executionIds[i] = result.executionId();
            events[i] = JsonCodec.writeEvent(result.event());
            visible[i] = result.visibleAt() == null ? now : PgTime.ceil(result.visibleAt());
            visibleAts[i] = PgTime.text(visible[i]);
            if (result.visibleAt() != null) {
                requestedAts[i] = PgTime.text(result.visibleAt());
                requestedNanos[i] = result.visibleAt().getNano() % 1000;
                if (requestedAts[i] == null) {
                    return Optional.empty();
                }
            }
            if (visibleAts[i] == null) {
                return Optional.empty();
            }
            claimTokens[i] = LeaseTokens.next();
        }
        Instant leaseEnd = now.plus(next.leaseDuration());
        try (PreparedStatement ps = c.prepareStatement(completeAndClaimAllSql(next.names(), n))) {
            int i = 1;
            ps.setObject(i++, seqs);
            PgArrays.text(ps, i++, tokens);
            PgArrays.text(ps, i++, instanceIds);
            PgArrays.text(ps, i++, executionIds);
            PgArrays.text(ps, i++, events);
            PgArrays.text(ps, i++, requestedAts);
            ps.setObject(i++, requestedNanos);
            PgArrays.text(ps, i++, visibleAts);
            ps.setString(i++, hubKey); // the fencing
            ps.setObject(i++, seqs);
            PgTime.set(ps, i++, now);
            ps.setString(i++, hubKey); // the results
            ps.setString(i++, hubKey);
            PgTime.set(ps, i++, now); // expired leases
            ps.setString(i++, hubKey);
            PgTime.set(ps, i++, now);
            i = bindNames(ps, i, next.names());
            ps.setString(i++, hubKey); // unheld tasks
            PgTime.set(ps, i++, now);
            i = bindNames(ps, i, next.names());
            ps.setString(i++, next.owner()); // the claims
            PgArrays.text(ps, i++, claimTokens);
            PgTime.set(ps, i++, leaseEnd);
            ps.setString(i, hubKey);
            Set<Long> done = new HashSet<>(); // the completions' positions, from 1
            long locked = 0;
            Set<String> queued = new HashSet<>();
            List<ActivityWorkItem> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.isFirst()) {
                        Array doneOrds = rs.getArray("done");
                        if (doneOrds != null) {
                            done.addAll(List.of((Long[]) doneOrds.getArray()));
                        }
                        Array queuedIds = rs.getArray("queued");
                        if (queuedIds != null) {
                            queued.addAll(List.of((String[]) queuedIds.getArray()));
                        }
                        locked = rs.getLong("locked");
                    }
                    rs.getLong("seq");
                    if (!rs.wasNull()) {
                        claimed.add(claimed(rs, new Lease(next.owner(), rs.getString("lock_token"), leaseEnd)));
                    }
                }
            }
            List<Completed> outcomes = new ArrayList<>(n);
            Iterator<ActivityWorkItem> handed = claimed.iterator();
            for (int j = 0; j < n; j++) {
                boolean isDone = done.contains((long) j + 1);
                if (isDone && queued.contains(instanceIds[j])) {
                    notices.orchestrationWorkOf(instanceIds[j], visible[j], now);
                }
                outcomes.add(new Completed(isDone, isDone && handed.hasNext() ? Optional.of(handed.next())
                        : Optional.empty()));
            }
            if (locked > claimed.size()) {
                // The looks locked tasks they did not claim (for completions whose lease was lost, or expired leases
                // and unheld tasks both): claims made meanwhile passed over them, so someone may take them now.
                notices.activityWork();
            }
            return Optional.of(outcomes);
        }
    }

    /** The task goes, fenced by its unexpired lease, and its result comes in if the instance still exists. */
    private String completeCte() {
        return "WITH done AS (DELETE FROM " + t.tasks() + " WHERE task_hub = ? AND seq = ?"
                + " AND lock_token = ? AND locked_until > ? RETURNING seq), queued AS (" + delivery.insertMessageSql()
                + " SELECT ?, i.instance_id, ?, ?, ?, ?, ? FROM " + t.instances() + " i, done"
                + " WHERE i.task_hub = ? AND i.instance_id = ? FOR KEY SHARE OF i RETURNING 1)";
    }

    /** Binds a claim's names at {@code index} unless the filter is ANY; returns the next index. */
    static int bindNames(PreparedStatement ps, int index, NameFilter names) throws SQLException {
        if (names.isAny()) {
            return index;
        }
        PgArrays.text(ps, index, names.lowerCaseNames());
        return index + 1;
    }

    Optional<ActivityWorkItem> claim(Connection c, String owner, Duration leaseDuration, NameFilter names,
            Instant now) throws SQLException {
        Lease lease = new Lease(owner, LeaseTokens.next(), now.plus(leaseDuration));
        try (PreparedStatement ps = c.prepareStatement(names.isAny() ? claimSql
                : names.isExcluding() ? claimExceptSql : claimNamedSql)) {
            ps.setString(1, owner);
            ps.setString(2, lease.token());
            PgTime.set(ps, 3, lease.expiresAt());
            ps.setString(4, hubKey);
            ps.setString(5, hubKey);
            PgTime.set(ps, 6, now);
            PgTime.set(ps, 7, now);
            bindNames(ps, 8, names);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(claimed(rs, lease)) : Optional.empty();
            }
        }
    }

    /** The task a claim's row ({@link #CLAIMED_COLUMNS}) holds, under {@code lease}. */
    private static ActivityWorkItem claimed(ResultSet rs, Lease lease) throws SQLException {
        ActivityTask task = new ActivityTask(rs.getString("instance_id"), rs.getString("execution_id"),
                rs.getInt("task_id"), rs.getString("name"), rs.getString("input"), rs.getString("trace_parent"));
        return new ActivityWorkItem(task, rs.getInt("dequeue_count"), lease, new TaskReceipt(rs.getLong("seq")));
    }

    /**
     * The removal of a handed task's entry from its instance's row, while it is there (its lease ended or not, as a
     * task row's: a lapsed lease that nobody took over is still the holder's); the owner and the lease's end go with
     * the last entry. Its parameters: the entry four times, then the hub and the instance.
     */
    private String removeEntrySql() {
        return "UPDATE " + t.instances() + " SET handed = nullif(array_remove(handed, ?), '{}'),"
                + " handed_owner = CASE WHEN handed = ARRAY[?::text] THEN NULL ELSE handed_owner END,"
                + " handed_until = CASE WHEN handed = ARRAY[?::text] THEN NULL ELSE handed_until END"
                + " WHERE ? = ANY(handed) AND task_hub = ? AND instance_id = ?";
    }

    /** Binds {@link #removeEntrySql}'s parameters; returns the next index. */
    private int bindEntry(PreparedStatement ps, ActivityWorkItem item) throws SQLException {
        String entry = ((HandedReceipt) item.receipt()).entry();
        for (int i = 1; i <= 4; i++) {
            ps.setString(i, entry);
        }
        ps.setString(5, hubKey);
        ps.setString(6, item.task().instanceId());
        return 7;
    }

    /**
     * An expired lease that nobody took over is still the holder's, so renewing it checks only the token. A task
     * handed without a row (V18) moves on the lease of its instance's entries, while its entry is there.
     */
    Lease renew(Connection c, ActivityWorkItem item, Duration leaseDuration, Instant now) throws SQLException {
        Lease renewed = item.lease().renewedUntil(now.plus(leaseDuration));
        if (isHanded(item)) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.instances() + " SET handed_until ="
                    + " greatest(handed_until, ?) WHERE task_hub = ? AND instance_id = ? AND ? = ANY(handed)")) {
                PgTime.set(ps, 1, renewed.expiresAt());
                ps.setString(2, hubKey);
                ps.setString(3, item.task().instanceId());
                ps.setString(4, ((HandedReceipt) item.receipt()).entry());
                if (ps.executeUpdate() == 0) {
                    throw lost(item, "its lease ran out and another worker took it over, or its instance was purged"
                            + " or replaced");
                }
            }
            return renewed;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.tasks() + " SET locked_until = ?"
                + " WHERE task_hub = ? AND seq = ? AND lock_token = ?")) {
            PgTime.set(ps, 1, renewed.expiresAt());
            ps.setString(2, hubKey);
            ps.setLong(3, receiptOf(item).seq());
            ps.setString(4, item.lease().token());
            if (ps.executeUpdate() == 0) {
                throw lost(item, "the task was claimed by another worker, or its instance was purged or replaced");
            }
        }
        return renewed;
    }

    /** Deletes the task, fenced by the unexpired lease, and delivers the result in the same transaction. */
    void complete(Connection c, ActivityWorkItem item, InstanceMessage result, Instant now, Notices notices)
            throws SQLException {
        deleteFenced(c, item, now);
        delivery.deliver(c, List.of(result), now, false, notices);
    }

    /**
     * The same in one statement, to run alone (autocommit): one round trip instead of four. Not for a start
     * message (which no activity sends): that needs the start rules of {@link #complete}.
     */
    void completeAlone(Connection c, ActivityWorkItem item, InstanceMessage result, Instant now, Notices notices)
            throws SQLException {
        if (isHanded(item)) {
            completeHanded(c, item, result, now, notices);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(completeSql)) {
            Instant visibleAt = bindCompletion(ps, item, result, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                readCompletion(rs, item, visibleAt, now, notices);
            }
        }
    }

    /**
     * {@link #completeAlone} and, in the same statement, the claim {@code next} of the oldest visible task that nobody
     * holds and its names accept: returned when there was one. A lost lease claims nothing.
     */
    Optional<ActivityWorkItem> completeAndClaim(Connection c, ActivityWorkItem item, InstanceMessage result,
            ActivityClaim next, Instant now, Notices notices) throws SQLException {
        if (next.names().isExcluding()) {
            throw new IllegalArgumentException("A claim with a result names the activities it accepts");
        }
        if (isHanded(item)) {
            completeHanded(c, item, result, now, notices);
            return claim(c, next.owner(), next.leaseDuration(), next.names(), now);
        }
        Lease lease = new Lease(next.owner(), LeaseTokens.next(), now.plus(next.leaseDuration()));
        try (PreparedStatement ps = c.prepareStatement(next.names().isAny() ? completeAndClaimSql
                : completeAndClaimNamedSql)) {
            Instant visibleAt = bindCompletion(ps, item, result, now);
            int i = 13;
            ps.setString(i++, lease.owner());
            ps.setString(i++, lease.token());
            PgTime.set(ps, i++, lease.expiresAt());
            ps.setString(i++, hubKey);
            ps.setString(i++, hubKey);
            PgTime.set(ps, i++, now);
            PgTime.set(ps, i++, now);
            bindNames(ps, i, next.names());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                readCompletion(rs, item, visibleAt, now, notices);
                rs.getLong("seq");
                return rs.wasNull() ? Optional.empty() : Optional.of(claimed(rs, lease));
            }
        }
    }

    /** {@link #completeAlone} for a task handed without a row: fenced by its entry rather than a row's lease. */
    private void completeHanded(Connection c, ActivityWorkItem item, InstanceMessage result, Instant now,
            Notices notices) throws SQLException {
        if (result.isStart()) {
            throw new IllegalArgumentException("An activity's result cannot start an instance");
        }
        try (PreparedStatement ps = c.prepareStatement(completeHandedSql)) {
            int next = bindEntry(ps, item);
            Instant visibleAt = result.visibleAt() == null ? now : PgTime.ceil(result.visibleAt());
            delivery.bindMessage(ps, next, result, visibleAt);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                readCompletion(rs, item, visibleAt, now, notices);
            }
        }
    }

    /** Binds parameters 1 to 12 of a completion (the task's fencing, the result's row); returns its visible time. */
    private Instant bindCompletion(PreparedStatement ps, ActivityWorkItem item, InstanceMessage result, Instant now)
            throws SQLException {
        if (result.isStart()) {
            throw new IllegalArgumentException("An activity's result cannot start an instance");
        }
        ps.setString(1, hubKey);
        ps.setLong(2, receiptOf(item).seq());
        ps.setString(3, item.lease().token());
        PgTime.set(ps, 4, now);
        Instant visibleAt = result.visibleAt() == null ? now : PgTime.ceil(result.visibleAt());
        int next = delivery.bindMessage(ps, 5, result, visibleAt);
        ps.setString(next, hubKey);
        ps.setString(next + 1, result.instanceId());
        return visibleAt;
    }

    private static void readCompletion(ResultSet rs, ActivityWorkItem item, Instant visibleAt, Instant now,
            Notices notices) throws SQLException {
        if (rs.getLong("done") == 0) {
            throw lost(item, LOST_TASK);
        }
        if (rs.getLong("queued") > 0) {
            notices.orchestrationWorkOf(item.task().instanceId(), visibleAt, now);
        }
    }

    /**
     * Deletes the task while this lease holds it (or, handed without a row, removes its entry while it is there);
     * else throws {@link LockLostException} (rolling back).
     */
    void deleteFenced(Connection c, ActivityWorkItem item, Instant now) throws SQLException {
        if (isHanded(item)) {
            try (PreparedStatement ps = c.prepareStatement(removeEntrySql())) {
                bindEntry(ps, item);
                if (ps.executeUpdate() == 0) {
                    throw lost(item, LOST_TASK);
                }
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.tasks()
                + " WHERE task_hub = ? AND seq = ? AND lock_token = ? AND locked_until > ?")) {
            ps.setString(1, hubKey);
            ps.setLong(2, receiptOf(item).seq());
            ps.setString(3, item.lease().token());
            PgTime.set(ps, 4, now);
            if (ps.executeUpdate() == 0) {
                throw lost(item, LOST_TASK);
            }
        }
    }

    /** Releases the task and delays it; {@code counted} false takes back the claim's raise of its count. */
    void abandon(Connection c, ActivityWorkItem item, Duration retryDelay, Instant now, Notices notices,
            boolean counted) throws SQLException {
        if (isHanded(item)) {
            releaseHanded(c, item, PgTime.ceil(now.plus(retryDelay)), now, notices,
                    counted ? item.dequeueCount() : Math.max(item.dequeueCount() - 1, 0));
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.tasks() + " SET lock_owner = NULL,"
                + " lock_token = NULL, locked_until = NULL, visible_at = ?"
                + (counted ? "" : ", dequeue_count = greatest(dequeue_count - 1, 0)")
                + " WHERE task_hub = ? AND seq = ?"
                + " AND lock_token = ?")) {
            Instant visibleAt = PgTime.ceil(now.plus(retryDelay));
            PgTime.set(ps, 1, visibleAt);
            ps.setString(2, hubKey);
            ps.setLong(3, receiptOf(item).seq());
            ps.setString(4, item.lease().token());
            if (ps.executeUpdate() > 0) {
                notices.activityWorkAt(visibleAt, now);
            }
        }
    }

    /** A task handed without a row becomes a row anyone may claim at {@code visibleAt}, while its entry is there. */
    private void releaseHanded(Connection c, ActivityWorkItem item, Instant visibleAt, Instant now, Notices notices,
            int dequeueCount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(releaseHandedSql)) {
            int i = bindEntry(ps, item);
            ActivityTask task = item.task();
            ps.setString(i++, hubKey);
            ps.setString(i++, task.executionId());
            ps.setInt(i++, task.taskId());
            ps.setString(i++, task.name());
            ps.setString(i++, task.input());
            PgTime.set(ps, i++, visibleAt);
            ps.setInt(i++, dequeueCount);
            ps.setString(i, task.traceParent());
            if (ps.executeUpdate() > 0) {
                notices.activityWorkAt(visibleAt, now);
            }
        }
    }

    static TaskReceipt receiptOf(ActivityWorkItem item) {
        if (item.receipt() instanceof TaskReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("The activity work item was not claimed from a PostgreSQL store"
                + " (receipt " + item.receipt() + ").");
    }

    static LockLostException lost(ActivityWorkItem item, String why) {
        return new LockLostException("The lease on activity task " + item.task().taskId() + " ('"
                + item.task().name() + "') of instance '" + item.task().instanceId() + "' is lost: " + why + ".");
    }
}
