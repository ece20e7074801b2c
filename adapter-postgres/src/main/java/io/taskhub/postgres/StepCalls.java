package io.taskhub.postgres;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.TaskHandOff;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls that commit a step in one round trip: {@code commit_step} and {@code commit_result_with_step} of
 * migrations V9, V10 (which adds the tasks' trace contexts) and V11 (the result's step in one update), and
 * {@code create_with_step} of V16 (a new instance with its first step), which say what each writes, and their
 * overloads of V18 (a step's few handed activities recorded on the instance's row rather than as task rows). This
 * class binds a {@link Checkpoint} to their parameters and reads back the activity tasks handed to the committing
 * worker.
 */
final class StepCalls {
    /** The SQLSTATE the functions raise when the caller's lease (on the instance or on the task) is lost. */
    static final String LEASE_LOST = "TH001";

    /** The parameters the three functions share, in order, after their own leading ones. */
    private static final String STEP_PARAMETERS = "?::boolean, ?::boolean, " + metadataCasts()
            + ", ?::boolean, ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text,"
            + " ?::timestamptz, ?::text[], ?::text[], ?::text[]";

    /**
     * At most this many activities of one step go to the committing worker without task rows (V18); a step that
     * hands more gives each a row, as a fan-out's results would otherwise all update the instance's row.
     */
    static final int MAX_ROWLESS = 8;

    /**
     * The longest input of an activity handed without a row: its entry holds the task whole (so that it can become
     * a row again without reading anything else), and the instance's row is written again with each step meanwhile.
     */
    static final int MAX_ROWLESS_INPUT = 1_000;

    final String commitStepSql;
    final String commitResultWithStepSql;
    final String createWithStepSql;

    StepCalls(Tables tables) {
        this.commitStepSql = "SELECT " + tables.schema() + ".commit_step(?::text, ?::text, ?::timestamptz,"
                + " ?::text, ?::bigint[], " + STEP_PARAMETERS + ", ?::text, ?::text)";
        this.commitResultWithStepSql = "SELECT " + tables.schema() + ".commit_result_with_step(?::text, ?::text,"
                + " ?::timestamptz, ?::bigint, ?::text, ?::bigint, " + STEP_PARAMETERS + ")";
        this.createWithStepSql = "SELECT " + tables.schema() + ".create_with_step(?::text, ?::text, ?::timestamptz,"
                + " ?::bigint, " + STEP_PARAMETERS + ")";
    }

    /** One {@code ?::type} per metadata column, in the order of {@link InstanceRows#METADATA_COLUMNS}. */
    private static String metadataCasts() {
        return "?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::timestamptz,"
                + " ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::smallint, ?::text, ?::text, ?::text, ?::int,"
                + " ?::text";
    }

    /**
     * A step's tasks as bound: the first ones the hand-off takes get a lease token, the rest none. The handed ones
     * go without task rows when {@code withoutRows} and they are few (V18): then each has an entry on the
     * instance's row, under the hand-off's owner and lease.
     */
    static final class Tasks {
        private final List<ActivityTask> tasks;
        private final String[] tokens;
        private final TaskHandOff handOff;
        private final Instant expiresAt;
        private final boolean anyForClaims;
        /** The entries bound, in task order, and each handed task's own (null for the others). */
        private final String[] entries;
        private final String[] entryOf;

        Tasks(List<ActivityTask> tasks, TaskHandOff handOff, Instant now, boolean withoutRows, Checkpoint step) {
            this.tasks = tasks;
            this.handOff = handOff;
            this.tokens = new String[tasks.size()];
            this.expiresAt = handOff == null ? null : now.plus(handOff.leaseDuration());
            int handed = 0;
            boolean forClaims = false;
            for (int i = 0; i < tokens.length; i++) {
                if (handOff != null && handed < handOff.maxTasks() && handOff.names().accepts(tasks.get(i).name())) {
                    tokens[i] = LeaseTokens.next();
                    handed++;
                } else {
                    forClaims = true;
                }
            }
            this.anyForClaims = forClaims;
            boolean finishes = step.instance() != null && step.instance().runtimeStatus().isTerminal();
            boolean small = true;
            for (int i = 0; i < tokens.length; i++) {
                String input = tasks.get(i).input();
                small &= tokens[i] == null || input == null || input.length() <= MAX_ROWLESS_INPUT;
            }
            this.entryOf = new String[tokens.length];
            List<String> rowless = new ArrayList<>();
            if (withoutRows && !finishes && small && handed <= MAX_ROWLESS) {
                for (int i = 0; i < tokens.length; i++) {
                    if (tokens[i] != null) {
                        entryOf[i] = entry(tasks.get(i), tokens[i]);
                        rowless.add(entryOf[i]);
                    }
                }
            }
            this.entries = rowless.toArray(new String[0]);
        }

        /** Whether some task is left for any worker to claim (they need telling). */
        boolean anyForClaims() {
            return anyForClaims;
        }

        /** The handed tasks as claimed work items, given their sequence numbers in the order of their tokens. */
        List<ActivityWorkItem> handed(Array sequences) throws SQLException {
            if (sequences == null) {
                return List.of();
            }
            Long[] seqs = (Long[]) sequences.getArray();
            List<ActivityWorkItem> items = new ArrayList<>(seqs.length);
            int next = 0;
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] != null) {
                    Long seq = seqs[next++];
                    // A NULL: handed without a row, its entry on the instance's row fences its result.
                    Object receipt = seq == null ? new ActivityWork.HandedReceipt(entryOf[i])
                            : new ActivityWork.TaskReceipt(seq);
                    items.add(new ActivityWorkItem(tasks.get(i), 1, new Lease(handOff.owner(), tokens[i], expiresAt),
                            receipt));
                }
            }
            if (next != seqs.length) {
                throw new IllegalStateException("The commit handed " + seqs.length + " tasks over, not " + next);
            }
            return items;
        }
    }

    /**
     * The entry of a task handed without a row, as the instance's row holds it (V18): the task whole and its lease's
     * token, as a JSON array (execution id, task id, token, name, input, trace context), which
     * {@link HandOffRecovery} reads back. It is made once, at the hand-off, and kept in the work item's receipt,
     * so that the statements fencing its result compare the very same text.
     */
    static String entry(ActivityTask task, String token) {
        // Written out rather than built as a JSON tree and printed: the same text, for a tenth of the work and of
        // the code the JIT compiles on a hot path (StepCallsEntryTest holds the two to the same text).
        String input = task.input();
        StringBuilder entry = new StringBuilder(96 + (input == null ? 0 : input.length()));
        entry.append('[');
        JsonCodec.appendString(entry, task.executionId()).append(',').append(task.taskId()).append(',');
        JsonCodec.appendString(entry, token).append(',');
        JsonCodec.appendString(entry, task.name()).append(',');
        JsonCodec.appendString(entry, input).append(',');
        JsonCodec.appendString(entry, task.traceParent());
        return entry.append(']').toString();
    }

    /** The task of an entry ({@link #entry}). */
    static ActivityTask taskOf(String instanceId, String entry) {
        try {
            com.fasterxml.jackson.databind.JsonNode fields = JsonCodec.mapper().readTree(entry);
            return new ActivityTask(instanceId, fields.get(0).asText(), fields.get(1).asInt(), fields.get(3).asText(),
                    fields.get(4).isNull() ? null : fields.get(4).asText(),
                    fields.get(5).isNull() ? null : fields.get(5).asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Instance '" + instanceId + "' has an entry that is not one: " + entry, e);
        }
    }

    /**
     * Binds the shared parameters from {@code index} on: the row, the history, the tasks, and no notifications
     * (the calls can send some, but the {@link NotificationRelay} sends them after the commit; the parameters stay
     * so that a server of the previous version can still call the functions during a rolling upgrade). Returns
     * the next free index.
     */
    static int bindStep(PreparedStatement ps, int index, Checkpoint step, Tasks tasks)
            throws SQLException {
        InstanceMetadata row = step.instance();
        int i = index;
        ps.setBoolean(i++, row != null);
        ps.setBoolean(i++, changes(step));
        i = row != null ? InstanceRows.bindMetadata(ps, i, row) : bindNoMetadata(ps, i);
        ps.setBoolean(i++, step.replaceHistory());
        List<HistoryEvent> history = step.history();
        String[] events = new String[history.size()];
        for (int e = 0; e < events.length; e++) {
            events[e] = JsonCodec.writeEvent(history.get(e));
        }
        PgArrays.text(ps, i++, events);
        List<ActivityTask> list = tasks.tasks;
        int count = list.size();
        String[] instanceIds = new String[count];
        String[] executionIds = new String[count];
        int[] taskIds = new int[count];
        String[] names = new String[count];
        String[] inputs = new String[count];
        String[] traceParents = new String[count];
        for (int t = 0; t < count; t++) {
            ActivityTask task = list.get(t);
            instanceIds[t] = task.instanceId();
            executionIds[t] = task.executionId();
            taskIds[t] = task.taskId();
            names[t] = task.name();
            inputs[t] = task.input();
            traceParents[t] = task.traceParent();
        }
        PgArrays.text(ps, i++, instanceIds);
        PgArrays.text(ps, i++, executionIds);
        PgArrays.int4(ps, i++, taskIds);
        PgArrays.text(ps, i++, names);
        PgArrays.text(ps, i++, inputs);
        PgArrays.text(ps, i++, tasks.tokens);
        PgArrays.text(ps, i++, traceParents);
        ps.setString(i++, tasks.handOff == null ? null : tasks.handOff.owner());
        PgTime.set(ps, i++, tasks.expiresAt);
        PgArrays.text(ps, i++, NO_TEXT);
        PgArrays.text(ps, i++, NO_TEXT);
        PgArrays.text(ps, i++, tasks.entries);
        return i;
    }

    private static final String[] NO_TEXT = new String[0];

    /** Whether the step moves the instance's revision: it writes the row or the history. */
    static boolean changes(Checkpoint step) {
        return step.instance() != null || step.replaceHistory() || !step.history().isEmpty();
    }

    /** Nulls for the metadata columns, typed as {@link InstanceRows#bindMetadata} types them. */
    private static int bindNoMetadata(PreparedStatement ps, int index) throws SQLException {
        int[] types = {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE,
                Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE, Types.SMALLINT, Types.VARCHAR,
                Types.VARCHAR, Types.VARCHAR, Types.INTEGER, Types.VARCHAR};
        for (int type : types) {
            if (type == Types.TIMESTAMP_WITH_TIMEZONE) {
                PgTime.set(ps, index++, null);
            } else {
                ps.setNull(index++, type);
            }
        }
        return index;
    }
}
