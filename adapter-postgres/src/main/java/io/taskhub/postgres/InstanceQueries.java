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
    /** A parameter's minute, as the generated column {@code updated_minute} holds a last-updated time's. */
    private static final String MINUTE_OF = "date_trunc('minute', ?::timestamptz AT TIME ZONE 'UTC')";
    /** How much of a custom status the index holds (ix_instances_custom_status). */
    static final int CUSTOM_STATUS_INDEXED_LENGTH = 100;
    /** Up to this many instances with an id prefix are sorted rather than searched for in created order. */
    static final int FEW_WITH_PREFIX = 10_000;

    /** SQL text with its parameters: Strings, Instants, Integers or String arrays. */
    record Sql(String text, List<Object> params) {
        void bind(Connection c, PreparedStatement ps) throws SQLException {
            for (int i = 0; i < params.size(); i++) {
                Object value = params.get(i);
                if (value instanceof Instant instant) {
                    PgTime.set(ps, i + 1, instant);
                } else if (value instanceof String[] array) {
                    PgArrays.text(ps, i + 1, array);
                } else if (value instanceof Integer number) {
                    ps.setInt(i + 1, number);
                } else if (value instanceof Long number) {
                    ps.setLong(i + 1, number);
                } else if (value instanceof Boolean flag) {
                    ps.setBoolean(i + 1, flag);
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
        List<InstanceMetadata> rows = query.instanceIdPrefix() == null ? null : fewWithPrefix(c, query);
        if (rows == null) {
            rows = new ArrayList<>();
            Sql sql = pageSql(query);
            try (PreparedStatement ps = c.prepareStatement(sql.text())) {
                sql.bind(c, ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(InstanceRows.read(rs));
                    }
                }
            }
        }
        if (rows.size() <= query.pageSize()) {
            return new InstancePage(rows, null);
        }
        List<InstanceMetadata> page = rows.subList(0, query.pageSize());
        return new InstancePage(page, ContinuationTokens.encode(page.get(page.size() - 1)));
    }

    /** The page of a query with an id prefix when few instances match it; null when too many do. */
    private List<InstanceMetadata> fewWithPrefix(Connection c, InstanceQuery query) throws SQLException {
        Sql sql = fewWithPrefixSql(query);
        List<InstanceMetadata> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong("candidates") > FEW_WITH_PREFIX) {
                        return null;
                    }
                    if (rs.getString("instance_id") != null) {
                        rows.add(InstanceRows.read(rs));
                    }
                }
            }
        }
        return rows;
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

    /**
     * One row more than the page size is read to learn whether another page follows, in created order, through
     * the index that the filters choose.
     */
    Sql pageSql(InstanceQuery query) {
        return pageSql(query, false);
    }

    /**
     * The same page for a query with an id prefix, read another way when few instances match: up to
     * {@link #FEW_WITH_PREFIX} + 1 of them are found through the index of ids and sorted (their limit keeps the
     * planner from reading them through the created-time index for the sort), and the page's rows joined to
     * the first of them. Walking the created-time index for them would pass over every older instance first when
     * ids follow the created time. Every row carries the number of candidates found; when there were more, the
     * instance columns are null and the caller reads {@link #pageSql} instead.
     */
    Sql fewWithPrefixSql(InstanceQuery query) {
        return pageSql(query, true);
    }

    private Sql pageSql(InstanceQuery query, boolean fewWithPrefix) {
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
        if (fewWithPrefix) {
            params.add(hubKey);
            return new Sql("SELECT s.candidates, i.* FROM (SELECT instance_id, created_at,"
                    + " count(*) OVER () AS candidates FROM (SELECT instance_id, created_at FROM " + t.instances()
                    + where + " LIMIT " + (FEW_WITH_PREFIX + 1) + ") AS c"
                    + " ORDER BY created_at, instance_id LIMIT " + (query.pageSize() + 1) + ") AS s"
                    + " LEFT JOIN LATERAL (SELECT " + columns + " FROM " + t.instances() + " WHERE task_hub = ?"
                    + " AND instance_id = s.instance_id AND s.candidates <= " + FEW_WITH_PREFIX + ") AS i ON true"
                    + " ORDER BY s.created_at, s.instance_id", params);
        }
        return new Sql("SELECT " + columns + " FROM " + t.instances() + where
                + " ORDER BY created_at, instance_id LIMIT " + (query.pageSize() + 1), params);
    }

    /**
     * Counts per status. Unfiltered, or filtered by status alone, they are the running counts the triggers keep
     * (V7__count_instances_by_status.sql): a few rows whatever the hub's size. Filtered by status and created time,
     * each status is counted on its own range of the status index (task_hub, runtime_status, created_at, ...): a
     * GROUP BY over most of a hub would read every row of the table. Other filters select their rows through their
     * own index, and those rows are grouped.
     */
    Sql countSql(InstanceQuery query) {
        if (statusIndexCovers(query) && query.createdFrom() == null && query.createdTo() == null) {
            List<Object> params = new ArrayList<>();
            params.add(hubKey);
            String statuses = "";
            if (!query.statuses().isEmpty()) {
                statuses = " AND runtime_status = ANY(?)";
                params.add(query.statuses().stream().map(Enum::name).sorted().toArray(String[]::new));
            }
            return new Sql("SELECT runtime_status, sum(instances) FROM " + t.statusCounts()
                    + " WHERE task_hub = ?" + statuses + " GROUP BY runtime_status", params);
        }
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
        // The index holds the minute of the last update (V12): the minutes of the range on it, then the exact time.
        if (q.lastUpdatedFrom() != null) {
            where.append(" AND updated_minute >= " + MINUTE_OF + " AND last_updated_at >= ?");
            params.add(PgTime.ceil(q.lastUpdatedFrom()));
            params.add(PgTime.ceil(q.lastUpdatedFrom()));
        }
        if (q.lastUpdatedTo() != null) {
            where.append(" AND updated_minute <= " + MINUTE_OF + " AND last_updated_at <= ?");
            params.add(q.lastUpdatedTo());
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
