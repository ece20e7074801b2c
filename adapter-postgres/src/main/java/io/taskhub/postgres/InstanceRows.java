package io.taskhub.postgres;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;

/** Mapping between rows of the instances table and {@link InstanceMetadata}. */
final class InstanceRows {
    /** The columns a metadata value writes, in the order {@link #bindMetadata} binds them. */
    static final String METADATA_COLUMNS = "execution_id, name, version, runtime_status, input, output,"
            + " custom_status, failure, created_at, last_updated_at, completed_at, scheduled_start_at,"
            + " scheduled_start_ns, parent_instance_id, parent_execution_id, parent_name, parent_task_id, tags";
    static final int METADATA_COLUMN_COUNT = 18;
    /** {@code col = ?} for each metadata column, for UPDATE statements. */
    static final String METADATA_ASSIGNMENTS = METADATA_COLUMNS.replace(",", " = ?,") + " = ?";

    /** Everything {@link #read} needs. */
    static final String SELECT_COLUMNS = "instance_id, revision, " + METADATA_COLUMNS;
    /**
     * The same without the payloads: a list that does not want them must not read them either (they can be
     * megabytes each; PostgreSQL then does not even fetch their out-of-line storage).
     */
    static final String SELECT_COLUMNS_WITHOUT_PAYLOADS = SELECT_COLUMNS
            .replace(" input,", " NULL AS input,")
            .replace(" output,", " NULL AS output,")
            .replace(" custom_status,", " NULL AS custom_status,");

    private InstanceRows() {
    }

    static InstanceMetadata read(ResultSet rs) throws SQLException {
        String parentId = rs.getString("parent_instance_id");
        ParentInstance parent = parentId == null ? null : new ParentInstance(parentId,
                rs.getString("parent_execution_id"), rs.getString("parent_name"), rs.getInt("parent_task_id"));
        return new InstanceMetadata(
                rs.getString("instance_id"),
                rs.getString("name"),
                rs.getString("version"),
                rs.getString("execution_id"),
                RuntimeStatus.valueOf(rs.getString("runtime_status")),
                rs.getString("input"),
                rs.getString("output"),
                rs.getString("custom_status"),
                JsonCodec.readFailure(rs.getString("failure")),
                PgTime.get(rs, "created_at"),
                PgTime.get(rs, "last_updated_at"),
                PgTime.get(rs, "completed_at"),
                PgTime.getExact(rs, "scheduled_start_at", "scheduled_start_ns"),
                parent,
                JsonCodec.readTags(rs.getString("tags")),
                rs.getLong("revision"));
    }

    /** Binds the {@link #METADATA_COLUMNS} from {@code index} on; returns the next free index. */
    static int bindMetadata(PreparedStatement ps, int index, InstanceMetadata m) throws SQLException {
        ps.setString(index++, m.executionId());
        ps.setString(index++, m.name());
        ps.setString(index++, m.version());
        ps.setString(index++, m.runtimeStatus().name());
        ps.setString(index++, m.input());
        ps.setString(index++, m.output());
        ps.setString(index++, m.customStatus());
        ps.setString(index++, JsonCodec.writeFailure(m.failure()));
        PgTime.set(ps, index++, m.createdAt());
        PgTime.set(ps, index++, m.lastUpdatedAt());
        PgTime.set(ps, index++, m.completedAt());
        PgTime.setExact(ps, index, m.scheduledStartAt());
        index += 2;
        ParentInstance parent = m.parent();
        ps.setString(index++, parent == null ? null : parent.instanceId());
        ps.setString(index++, parent == null ? null : parent.executionId());
        ps.setString(index++, parent == null ? null : parent.name());
        if (parent == null) {
            ps.setNull(index++, Types.INTEGER);
        } else {
            ps.setInt(index++, parent.taskId());
        }
        ps.setString(index++, JsonCodec.writeTags(m.tags()));
        return index;
    }

    /** The Pending row a start message makes; its revision is set by the statement that writes it. */
    static InstanceMetadata pending(String instanceId, ExecutionStarted started, Instant now) {
        return new InstanceMetadata(instanceId, started.name(), started.version(), started.executionId(),
                RuntimeStatus.Pending, started.input(), null, null, null, now, now, null, started.scheduledStartAt(),
                started.parent(), started.tags() == null ? Map.of() : started.tags(), 0);
    }
}
