package io.taskhub.postgres;

import io.taskhub.ports.model.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Listing and counting a task hub's instances. Every filter becomes a condition that an index serves (see
 * V1__create_instances.sql); pages are ordered by (created_at, instance_id) and continue after the last key.
 */
final class InstanceQueries {
    /** How much of a custom status the index holds (ix_instances_custom_status). */
    static final int CUSTOM_STATUS_INDEXED_LENGTH = 100;

    /** SQL text with its parameters: Strings, Instants, or String arrays. */
    record Sql(String text, List<Object> params) {
        void bind(Connection c, PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                Object value = params.get(i);
                if (value instanceof Instant instant) {
                    PgTime.set(ps, i + 1, instant);
                } else if (value instanceof String[] array) {
                    ps.setArray(i + 1, c.createArrayOf("text", array));
                } else {
                    ps.setString(i + 1, (String) value);
                }
            }
        }
    }

    private final Tables t;
    private final String hubKey;

    InstanceQueries(Tables tables, String hubKey) {
        this.t = tables;
        this.hubKey = hubKey;
    }

    InstancePage page(Connection c, InstanceQuery query) throws SQLException {
        Sql sql = pageSql(query);
        List<InstanceMetadata> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(InstanceRows.read(rs));
                }
            }
        }
        if (rows.size() <= query.pageSize()) {
            return new InstancePage(rows, null);
        }
        List<InstanceMetadata> page = rows.subList(0, query.pageSize());
        return new InstancePage(page, ContinuationTokens.encode(page.get(page.size() - 1)));
    }

    /** Only statuses that at least one matching instance has appear in the result. */
    Map<RuntimeStatus, Long> count(Connection c, InstanceQuery query) throws SQLException {
        Sql sql = countSql(query);
        Map<RuntimeStatus, Long> counts = new EnumMap<>(RuntimeStatus.class);
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(RuntimeStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /** One row more than the page size is read to learn whether another page follows. */
    Sql pageSql(InstanceQuery query) {
        // Decoded first so that a malformed token is reported even when nothing matches.
        ContinuationTokens.Key after = query.continuationToken() == null
                ? null : ContinuationTokens.decode(query.continuationToken());
        List<Object> params = new ArrayList<>();
        StringBuilder where = filters(query, params);
        if (after != null) {
            where.append(" AND (created_at, instance_id) > (?, ?)");
            params.add(after.createdAt());
            params.add(after.instanceId());
        }
        String columns = query.fetchInputsAndOutputs()
                ? InstanceRows.SELECT_COLUMNS : InstanceRows.SELECT_COLUMNS_WITHOUT_PAYLOADS;
        return new Sql("SELECT " + columns + " FROM " + t.instances() + where
                + " ORDER BY created_at, instance_id LIMIT " + (query.pageSize() + 1), params);
    }

    Sql countSql(InstanceQuery query) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = filters(query, params);
        return new Sql("SELECT runtime_status, count(*) FROM " + t.instances() + where + " GROUP BY runtime_status",
                params);
    }

    private StringBuilder filters(InstanceQuery q, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE task_hub = ?");
        params.add(hubKey);
        if (q.createdFrom() != null) {
            where.append(" AND created_at >= ?");
            params.add(PgTime.ceil(q.createdFrom()));
        }
        if (q.createdTo() != null) {
            where.append(" AND created_at <= ?");
            params.add(q.createdTo());
        }
        if (!q.statuses().isEmpty()) {
            where.append(" AND runtime_status = ANY(?)");
            params.add(q.statuses().stream().map(Enum::name).sorted().toArray(String[]::new));
        }
        if (q.instanceIdPrefix() != null) {
            prefix(where, params, "instance_id", q.instanceIdPrefix());
        }
        if (q.name() != null) {
            where.append(" AND name = ?");
            params.add(q.name());
        }
        if (q.lastUpdatedFrom() != null) {
            where.append(" AND last_updated_at >= ?");
            params.add(PgTime.ceil(q.lastUpdatedFrom()));
        }
        if (q.lastUpdatedTo() != null) {
            where.append(" AND last_updated_at <= ?");
            params.add(q.lastUpdatedTo());
        }
        if (q.parentInstanceId() != null) {
            where.append(" AND parent_instance_id = ?");
            params.add(q.parentInstanceId());
        }
        if (q.customStatusPrefix() != null) {
            // The index holds the first characters only: range on them, then the exact test on the whole text.
            String indexed = Prefixes.leftCodePoints(q.customStatusPrefix(), CUSTOM_STATUS_INDEXED_LENGTH);
            prefix(where, params, "left(custom_status, " + CUSTOM_STATUS_INDEXED_LENGTH + ")", indexed);
            if (!indexed.equals(q.customStatusPrefix())) {
                where.append(" AND starts_with(custom_status, ?)");
                params.add(q.customStatusPrefix());
            }
        }
        return where;
    }

    private static void prefix(StringBuilder where, List<Object> params, String column, String prefix) {
        where.append(" AND ").append(column).append(" >= ?");
        params.add(prefix);
        String upper = Prefixes.successor(prefix);
        if (upper != null) {
            where.append(" AND ").append(column).append(" < ?");
            params.add(upper);
        }
    }
}
