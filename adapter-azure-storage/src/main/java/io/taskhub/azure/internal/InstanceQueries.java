package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.rules.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Instance queries over the Instances table. Azure Tables index only PartitionKey (the instance id) and RowKey,
 * so every query scans: the filters are sent to the service (an id prefix becomes a PartitionKey range, which
 * narrows the scan; the others are evaluated by the service row by row) and the SDK follows the service's
 * continuation tokens through the result. Pages are ordered by created time then id, as the storage port
 * requires, which Azure cannot deliver in that order: each page keeps the smallest matching rows after the
 * position in the caller's token, so each page costs one scan of the matching rows.
 */
final class InstanceQueries {
    /** Azure allows at most 15 comparisons in one filter; the rest are applied here. */
    private static final int MAX_COMPARISONS = 15;
    private static final Comparator<InstanceMetadata> ORDER = Comparator.comparing(InstanceMetadata::createdAt)
            .thenComparing(InstanceMetadata::instanceId);

    private final TableClient table;
    private final InstanceRows rows;

    public InstanceQueries(TableClient table, InstanceRows rows) {
        this.table = table;
        this.rows = rows;
    }

    public InstancePage query(InstanceQuery query) {
        ContinuationTokens.Key after = query.continuationToken() == null ? null
                : ContinuationTokens.decode(query.continuationToken());
        Filter filter = filter(query);
        if (after != null) {
            String createdAt = TableValues.literal(TableValues.instant(after.createdAt()));
            filter.add("(" + InstanceRows.CREATED + " gt " + createdAt + " or (" + InstanceRows.CREATED + " eq "
                    + createdAt + " and PartitionKey gt " + TableValues.literal(after.instanceId()) + "))", 3);
        }
        // The page plus one, to know whether more follow; a max-heap keeps the smallest seen so far.
        PriorityQueue<InstanceRow> smallest = new PriorityQueue<>(
                Comparator.comparing(InstanceRow::metadata, ORDER).reversed());
        boolean payloads = query.fetchInputsAndOutputs();
        for (TableEntity entity : scan(filter, payloads || query.customStatusPrefix() != null)) {
            InstanceRow row = rows.fromEntity(entity, false);
            if (!query.matches(withTextsForMatching(row)) || !isAfter(row.metadata(), after)) {
                continue;
            }
            smallest.add(row);
            if (smallest.size() > query.pageSize() + 1) {
                smallest.poll();
            }
        }
        List<InstanceRow> page = new ArrayList<>(smallest);
        page.sort(Comparator.comparing(InstanceRow::metadata, ORDER));
        boolean more = page.size() > query.pageSize();
        if (more) {
            page = page.subList(0, query.pageSize());
        }
        List<InstanceMetadata> result = new ArrayList<>(page.size());
        for (InstanceRow row : page) {
            InstanceMetadata m = payloads ? rows.fromEntityProperties(row, true)
                    : row.metadata().toBuilder().input(null).output(null).customStatus(null).build();
            result.add(m);
        }
        String token = more ? ContinuationTokens.encode(page.get(page.size() - 1).metadata()) : null;
        return new InstancePage(result, token);
    }

    public Map<RuntimeStatus, Long> count(InstanceQuery query) {
        Map<RuntimeStatus, Long> counts = new EnumMap<>(RuntimeStatus.class);
        for (TableEntity entity : scan(filter(query), query.customStatusPrefix() != null)) {
            InstanceRow row = rows.fromEntity(entity, false);
            if (query.matches(withTextsForMatching(row))) {
                counts.merge(row.metadata().runtimeStatus(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Rows matching {@code filter}, in the service's order, lazily (the SDK fetches page after page). */
    Iterable<TableEntity> scan(Filter filter, boolean withLargeColumns) {
        ListEntitiesOptions options = new ListEntitiesOptions();
        if (!filter.isEmpty()) {
            options.setFilter(filter.toString());
        }
        if (!withLargeColumns) {
            options.setSelect(smallColumns());
        }
        return table.listEntities(options, null, null);
    }

    /** The custom status prefix is matched here: a large custom status is out of line, not filterable. */
    private InstanceMetadata withTextsForMatching(InstanceRow row) {
        Object status = row.properties().get(InstanceRows.CUSTOM_STATUS);
        Object reference = row.properties().get(InstanceRows.CUSTOM_STATUS + InstanceRows.REF);
        if (status == null && reference != null) {
            return rows.fromEntityProperties(row, true);
        }
        return row.metadata().toBuilder().customStatus(status == null ? null : status.toString()).build();
    }

    private static boolean isAfter(InstanceMetadata m, ContinuationTokens.Key after) {
        return after == null || after.isBefore(m);
    }

    /** Server-side filters for what the service can compare exactly; everything is checked again here. */
    Filter filter(InstanceQuery q) {
        Filter f = new Filter();
        if (q.instanceIdPrefix() != null) {
            String upper = upperBound(q.instanceIdPrefix());
            if (upper != null) {
                f.add("PartitionKey ge " + TableValues.literal(q.instanceIdPrefix()) + " and PartitionKey lt "
                        + TableValues.literal(upper), 2);
            }
        }
        if (q.name() != null) {
            f.add(InstanceRows.NAME + " eq " + TableValues.literal(q.name()), 1);
        }
        if (q.parentInstanceId() != null) {
            f.add(InstanceRows.PARENT_ID + " eq " + TableValues.literal(q.parentInstanceId()), 1);
        }
        range(f, InstanceRows.CREATED, q.createdFrom(), q.createdTo());
        range(f, InstanceRows.LAST_UPDATED, q.lastUpdatedFrom(), q.lastUpdatedTo());
        if (!q.statuses().isEmpty() && f.comparisons + q.statuses().size() + 3 <= MAX_COMPARISONS) {
            List<String> any = new ArrayList<>();
            q.statuses().forEach(s -> any.add(InstanceRows.STATUS + " eq " + TableValues.literal(s.name())));
            f.add("(" + String.join(" or ", any) + ")", any.size());
        }
        return f;
    }

    private static void range(Filter f, String column, Instant from, Instant to) {
        if (from != null) {
            f.add(column + " ge " + TableValues.literal(TableValues.instant(from)), 1);
        }
        if (to != null) {
            f.add(column + " le " + TableValues.literal(TableValues.instant(to)), 1);
        }
    }

    /** The smallest string greater than every string starting with {@code prefix}, or null. */
    private static String upperBound(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        if (last == Character.MAX_VALUE || Character.isSurrogate(last)) {
            return null;
        }
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static List<String> smallColumns() {
        return List.of("PartitionKey", "RowKey", InstanceRows.NAME, InstanceRows.VERSION, InstanceRows.EXECUTION_ID,
                InstanceRows.STATUS, InstanceRows.CREATED, InstanceRows.LAST_UPDATED, InstanceRows.COMPLETED,
                InstanceRows.SCHEDULED_START, InstanceRows.PARENT_ID, InstanceRows.PARENT_EXECUTION,
                InstanceRows.PARENT_NAME, InstanceRows.PARENT_TASK, InstanceRows.REVISION, InstanceRows.FAILURE,
                InstanceRows.FAILURE + InstanceRows.REF, InstanceRows.TAGS, InstanceRows.TAGS + InstanceRows.REF);
    }

    /** An OData filter under construction, with its comparison count. */
    static final class Filter {
        private final List<String> parts = new ArrayList<>();
        private int comparisons;

        void add(String part, int count) {
            if (comparisons + count <= MAX_COMPARISONS) {
                parts.add(part);
                comparisons += count;
            }
        }

        boolean isEmpty() {
            return parts.isEmpty();
        }

        @Override
        public String toString() {
            return String.join(" and ", parts);
        }
    }
}
