package io.taskhub.sqlite;

import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Mapping between instance rows and {@link InstanceMetadata}; times are stored as epoch nanoseconds. */
final class Rows {
    /** The instance columns, in the order {@link #bind} writes and {@link #instance} reads them. */
    static final String INSTANCE_COLUMNS = "instance_id, execution_id, name, version, runtime_status, input, output,"
            + " custom_status, failure, created_at, last_updated_at, completed_at, scheduled_start_at,"
            + " parent_instance_id, parent_execution_id, parent_name, parent_task_id, tags, revision";
    /** The same columns with the payloads left out, for queries that do not want them. */
    static final String INSTANCE_COLUMNS_WITHOUT_PAYLOADS = INSTANCE_COLUMNS
            .replace(" input,", " NULL AS input,").replace(" output,", " NULL AS output,")
            .replace(" custom_status,", " NULL AS custom_status,");
    static final int INSTANCE_COLUMN_COUNT = 19;

    private Rows() {
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    static InstanceMetadata instance(ResultSet rs) throws SQLException {
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
                instant(rs.getLong("created_at")),
                instant(rs.getLong("last_updated_at")),
                optionalInstant(rs, "completed_at"),
                optionalInstant(rs, "scheduled_start_at"),
                parent,
                JsonCodec.readTags(rs.getString("tags")),
                rs.getLong("revision"));
    }

    /** Binds every column of {@link #INSTANCE_COLUMNS} from {@code index} on; returns the next index. */
    static int bind(PreparedStatement ps, int index, InstanceMetadata m, long revision) throws SQLException {
        ps.setString(index++, m.instanceId());
        ps.setString(index++, m.executionId());
        ps.setString(index++, m.name());
        ps.setString(index++, m.version());
        ps.setString(index++, m.runtimeStatus().name());
        ps.setString(index++, m.input());
        ps.setString(index++, m.output());
        ps.setString(index++, m.customStatus());
        ps.setString(index++, JsonCodec.writeFailure(m.failure()));
        ps.setLong(index++, nanos(m.createdAt()));
        ps.setLong(index++, nanos(m.lastUpdatedAt()));
        setOptionalInstant(ps, index++, m.completedAt());
        setOptionalInstant(ps, index++, m.scheduledStartAt());
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
        ps.setLong(index++, revision);
        return index;
    }

    private static Instant optionalInstant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : instant(value);
    }

    private static void setOptionalInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, nanos(value));
        }
    }
}
