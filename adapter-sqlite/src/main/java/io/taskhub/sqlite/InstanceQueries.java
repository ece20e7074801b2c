package io.taskhub.sqlite;

import io.taskhub.ports.rules.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Instance queries of one task hub: filters become indexed WHERE clauses, and pages continue from the last
 * (created_at, instance_id) key, never from an offset, so paging stays stable while instances are added.
 */
final class InstanceQueries {
    private final String taskHub;

    InstanceQueries(String taskHub) {
        this.taskHub = taskHub;
    }

    /** A WHERE clause with its parameters, built from a query's filters. */
    private static final class Where {
        final StringBuilder sql = new StringBuilder(" WHERE task_hub = ?");
        final List<Object> params = new ArrayList<>();

        Where(String taskHub) {
            params.add(taskHub);
        }

        void add(String condition, Object... values) {
            sql.append(" AND ").append(condition);
            params.addAll(List.of(values));
        }

        void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
        }
    }

    private Where filters(InstanceQuery q) {
        Where where = new Where(taskHub);
        if (q.createdFrom() != null) {
            where.add("created_at >= ?", Rows.nanos(q.createdFrom()));
        }
        if (q.createdTo() != null) {
            where.add("created_at <= ?", Rows.nanos(q.createdTo()));
        }
        if (!q.statuses().isEmpty()) {
            where.add("runtime_status IN (" + "?, ".repeat(q.statuses().size() - 1) + "?)",
                    q.statuses().stream().map(Enum::name).sorted().toArray());
        }
        if (q.instanceIdPrefix() != null) {
            // GLOB is case-sensitive and, with the prefix escaped, can use the primary key's index.
            where.add("instance_id GLOB ?", globEscape(q.instanceIdPrefix()) + "*");
        }
        if (q.name() != null) {
            where.add("name = ?", q.name());
        }
        if (q.lastUpdatedFrom() != null) {
            where.add("last_updated_at >= ?", Rows.nanos(q.lastUpdatedFrom()));
        }
        if (q.lastUpdatedTo() != null) {
            where.add("last_updated_at <= ?", Rows.nanos(q.lastUpdatedTo()));
        }
        if (q.parentInstanceId() != null) {
            where.add("parent_instance_id = ?", q.parentInstanceId());
        }
        if (q.customStatusPrefix() != null) {
            where.add("substr(custom_status, 1, ?) = ?", q.customStatusPrefix().length(), q.customStatusPrefix());
        }
        return where;
    }

    InstancePage query(Connection c, InstanceQuery q) throws SQLException {
        Where where = filters(q);
        if (q.continuationToken() != null) {
            ContinuationTokens.Key after = ContinuationTokens.decode(q.continuationToken());
            long afterNanos = Rows.nanos(after.createdAt());
            where.add("(created_at > ? OR (created_at = ? AND instance_id > ?))", afterNanos, afterNanos,
                    after.instanceId());
        }
        String columns = q.fetchInputsAndOutputs() ? Rows.INSTANCE_COLUMNS : Rows.INSTANCE_COLUMNS_WITHOUT_PAYLOADS;
        String sql = "SELECT " + columns + " FROM instances" + where.sql
                + " ORDER BY created_at, instance_id LIMIT " + (q.pageSize() + 1);
        List<InstanceMetadata> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            where.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Rows.instance(rs));
                }
            }
        }
        if (rows.size() <= q.pageSize()) {
            return new InstancePage(rows, null);
        }
        List<InstanceMetadata> page = rows.subList(0, q.pageSize());
        return new InstancePage(page, ContinuationTokens.encode(page.get(page.size() - 1)));
    }

    Map<RuntimeStatus, Long> count(Connection c, InstanceQuery q) throws SQLException {
        Where where = filters(q);
        Map<RuntimeStatus, Long> counts = new EnumMap<>(RuntimeStatus.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT runtime_status, COUNT(*) FROM instances"
                + where.sql + " GROUP BY runtime_status")) {
            where.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(RuntimeStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /** Ids of up to {@code limit} instances matching the purge filter. */
    List<String> purgeCandidates(Connection c, PurgeFilter filter, int limit) throws SQLException {
        InstanceQuery q = InstanceQuery.builder().createdFrom(filter.createdFrom()).createdTo(filter.createdTo())
                .statuses(filter.statuses()).build();
        Where where = filters(q);
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT instance_id FROM instances" + where.sql
                + " ORDER BY created_at, instance_id LIMIT " + limit)) {
            where.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    static PurgeResult purgeResult(int deleted, int found, int limit) {
        return new PurgeResult(deleted, found <= limit);
    }

    private static String globEscape(String prefix) {
        StringBuilder out = new StringBuilder(prefix.length() + 8);
        for (char ch : prefix.toCharArray()) {
            if (ch == '*' || ch == '?' || ch == '[') {
                out.append('[').append(ch).append(']');
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
