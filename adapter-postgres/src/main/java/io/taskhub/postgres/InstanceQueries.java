package io.taskhub.postgres;

import io.taskhub.ports.rules.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listing and counting a task hub's instances. Every filter becomes a condition that an index serves (see
 * V1__create_instances.sql); pages are ordered by (created_at, instance_id) and continue after the last key.
 */
final class InstanceQueries {
    /** How much of a custom status the index holds (ix_instances_custom_status). */
    static final int CUSTOM_STATUS_INDEXED_LENGTH = 100;

    /** SQL text with its parameters: Strings, Instants, Integers or String arrays. */
    record Sql(String text, List<Object> params) {
        void bind(Connection c, PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                Object value = params.get(i);
                if (value instanceof Instant instant) {
                    PgTime.set(ps, i + 1, instant);
                } else if (value instanceof String[] array) {
                    ps.setArray(i + 1, c.createArrayOf("text", array));
                } else if (value instanceof Integer number) {
                    ps.setInt(i + 1, number);
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
                    if (rs.getLong(2) > 0) {
                        counts.put(RuntimeStatus.valueOf(rs.getString(1)), rs.getLong(2));
                    }
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

    /**
     * Counts per status. Filtered by status and created time alone (or not at all), each status is counted on its
     * own range of the status index (task_hub, runtime_status, created_at, ...), from the index alone: a GROUP BY
     * over most of a hub would read every row of the table. Other filters select their rows through their own
     * index, and those rows are grouped.
     */
    Sql countSql(InstanceQuery query) {
        if (statusIndexCovers(query)) {
            Set<RuntimeStatus> statuses = query.statuses().isEmpty() ? EnumSet.allOf(RuntimeStatus.class)
                    : query.statuses();
            List<Object> params = new ArrayList<>();
            params.add(hubKey);
            String created = createdRange(query.createdFrom(), query.createdTo(), params);
            params.add(statuses.stream().map(Enum::name).sorted().toArray(String[]::new));
            return new Sql("SELECT s.status, (SELECT count(*) FROM " + t.instances()
                    + " WHERE task_hub = ? AND runtime_status = s.status" + created
                    + ") FROM unnest(?::text[]) AS s(status)", params);
        }
        List<Object> params = new ArrayList<>();
        StringBuilder where = filters(query, params);
        return new Sql("SELECT runtime_status, count(*) FROM " + t.instances() + where + " GROUP BY runtime_status",
                params);
    }

    private static boolean statusIndexCovers(InstanceQuery q) {
        return q.instanceIdPrefix() == null && q.name() == null && q.lastUpdatedFrom() == null
                && q.lastUpdatedTo() == null && q.parentInstanceId() == null && q.customStatusPrefix() == null;
    }

    /** The created-time conditions, their values added to {@code params}; the same rule for counts and purges. */
    static String createdRange(Instant from, Instant to, List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (from != null) {
            where.append(" AND created_at >= ?");
            params.add(PgTime.ceil(from));
        }
        if (to != null) {
            where.append(" AND created_at <= ?");
            params.add(to);
        }
        return where.toString();
    }

    private StringBuilder filters(InstanceQuery q, List<Object> params) {
        StringBuilder where = new StringBuilder(" WHERE task_hub = ?");
        params.add(hubKey);
        where.append(createdRange(q.createdFrom(), q.createdTo(), params));
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
