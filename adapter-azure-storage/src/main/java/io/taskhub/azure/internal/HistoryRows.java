package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The History table: partition key = instance id, one row per event with row key {@code <generation>-<seq>} (8
 * hex digits each, so rows sort in order), and the {@link Sentinel}. Rows are written with upserts in
 * entity-group transactions of at most 100 operations (99 events and the sentinel) and about 3 MB; a step with
 * more events takes several transactions, each fenced by the sentinel's ETag, and only the last one moves the
 * sentinel's committed count, so a reader never sees half a step.
 */
final class HistoryRows {
    static final String SENTINEL = "sentinel";
    private static final int MAX_ROWS_PER_BATCH = 99;
    private static final long MAX_BATCH_BYTES = 3_000_000;
    private static final String INSTANCE_COPY_PREFIX = "I_";

    private final TableClient table;
    private final PayloadStore payloads;

    public HistoryRows(TableClient table, PayloadStore payloads) {
        this.table = table;
        this.payloads = payloads;
    }

    public Sentinel readSentinel(String instanceId) {
        try {
            return TableValues.find(table, instanceId, SENTINEL).map(this::toSentinel).orElseGet(Sentinel::absent);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("read the history sentinel of " + instanceId, e);
        }
    }

    /** The committed events of the sentinel's generation, in order. */
    public List<HistoryEvent> read(String instanceId, Sentinel sentinel) {
        if (!sentinel.exists() || sentinel.count() == 0) {
            return List.of();
        }
        String filter = "PartitionKey eq " + TableValues.literal(instanceId) + " and RowKey ge "
                + TableValues.literal(rowKey(sentinel.generation(), 0)) + " and RowKey lt "
                + TableValues.literal(rowKey(sentinel.generation(), sentinel.count()));
        List<HistoryEvent> events = new ArrayList<>(sentinel.count());
        try {
            for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null)) {
                Object inline = row.getProperty("Event");
                String json = inline != null ? inline.toString()
                        : payloads.get(instanceId, row.getProperty("EventRef").toString());
                events.add(JsonCodec.readEvent(json));
            }
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("read the history of " + instanceId, e);
        }
        return events;
    }

    /**
     * Commits one step: appends {@code events} (or starts a new generation with them) and moves the sentinel,
     * conditional on {@code claimed}'s ETag.
     *
     * @param instanceCopy the instance row properties this step writes, or null to keep the claimed copy
     * @throws LockLostException another writer changed the sentinel since the claim
     */
    public void commit(String instanceId, Sentinel claimed, String executionId, boolean newGeneration,
            List<HistoryEvent> events, List<String> consumedIds, Map<String, Object> instanceCopy, Instant now,
            String writer) {
        int generation = newGeneration && claimed.exists() ? claimed.generation() + 1 : claimed.generation();
        int base = newGeneration ? 0 : claimed.count();
        List<TableEntity> rows = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            rows.add(eventRow(instanceId, executionId, generation, base + i, events.get(i)));
        }
        Map<String, Object> finalSentinel = new LinkedHashMap<>();
        finalSentinel.put("ExecutionId", executionId);
        finalSentinel.put("Generation", generation);
        finalSentinel.put("Count", base + events.size());
        finalSentinel.put("Checkpoints", claimed.checkpoints() + 1);
        finalSentinel.put("Consumed", claimed.consumed().plus(consumedIds, now).toBytes());
        finalSentinel.put("Writer", writer);
        (instanceCopy != null ? instanceCopy : claimed.instanceCopy())
                .forEach((k, v) -> finalSentinel.put(INSTANCE_COPY_PREFIX + k, v));

        String etag = claimed.etag();
        int start = 0;
        do {
            long used = estimate(finalSentinel);
            int end = start;
            while (end < rows.size() && end - start < MAX_ROWS_PER_BATCH) {
                long size = estimate(rows.get(end).getProperties());
                if (end > start && used + size > MAX_BATCH_BYTES) {
                    break;
                }
                used += size;
                end++;
            }
            boolean last = end == rows.size();
            List<TableTransactionAction> actions = new ArrayList<>(end - start + 1);
            for (TableEntity row : rows.subList(start, end)) {
                actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, row));
            }
            actions.add(sentinelAction(instanceId, etag, last ? finalSentinel : Map.of("Writer", writer), last));
            submit(instanceId, actions);
            if (!last) {
                etag = confirmWriter(instanceId, writer);
            }
            start = end;
        } while (start < rows.size());
    }

    private TableTransactionAction sentinelAction(String instanceId, String etag, Map<String, Object> properties,
            boolean replace) {
        TableEntity sentinel = new TableEntity(instanceId, SENTINEL).setProperties(new LinkedHashMap<>(properties));
        if (etag == null) {
            return new TableTransactionAction(TableTransactionActionType.CREATE, sentinel);
        }
        return new TableTransactionAction(replace ? TableTransactionActionType.UPDATE_REPLACE
                : TableTransactionActionType.UPDATE_MERGE, TableValues.withETag(sentinel, etag), true);
    }

    private void submit(String instanceId, List<TableTransactionAction> actions) {
        try {
            table.submitTransaction(actions);
        } catch (RuntimeException e) {
            int status = StorageErrors.status(e);
            if (status == 412 || status == 409 || status == 404) {
                throw new LockLostException("The history of instance " + instanceId + " was written by another"
                        + " worker since this work item was claimed (HTTP " + status + " on its sentinel).");
            }
            throw StorageErrors.wrap("write the history of " + instanceId, e);
        }
    }

    /** After an intermediate transaction: the new ETag, provided nobody else wrote in between. */
    private String confirmWriter(String instanceId, String writer) {
        TableEntity raw;
        try {
            raw = TableValues.find(table, instanceId, SENTINEL).orElse(null);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("read the history sentinel of " + instanceId, e);
        }
        if (raw == null || !writer.equals(raw.getProperty("Writer"))) {
            throw new LockLostException("The history of instance " + instanceId + " was written by another worker"
                    + " during a multi-transaction checkpoint.");
        }
        return raw.getETag();
    }

    private TableEntity eventRow(String instanceId, String executionId, int generation, int seq, HistoryEvent e) {
        TableEntity row = new TableEntity(instanceId, rowKey(generation, seq))
                .addProperty("EventType", e.eventType()).addProperty("ExecutionId", executionId);
        String json = JsonCodec.writeEvent(e);
        if (json.length() <= InstanceRows.INLINE_CHARS) {
            row.addProperty("Event", json);
        } else {
            row.addProperty("EventRef", payloads.put(instanceId, json));
        }
        return row;
    }

    /** Deletes the rows of generations older than {@code generation} (best effort, after a new one committed). */
    public void deleteGenerationsBefore(String instanceId, int generation) {
        deleteWhere(instanceId, "PartitionKey eq " + TableValues.literal(instanceId) + " and RowKey lt "
                + TableValues.literal(rowKey(generation, 0)));
    }

    /** Deletes the instance's whole history partition, the sentinel included. */
    public void deleteAll(String instanceId) {
        deleteWhere(instanceId, "PartitionKey eq " + TableValues.literal(instanceId));
    }

    private void deleteWhere(String instanceId, String filter) {
        try {
            List<TableEntity> rows = new ArrayList<>();
            ListEntitiesOptions keysOnly = new ListEntitiesOptions().setFilter(filter)
                    .setSelect(List.of("PartitionKey", "RowKey"));
            table.listEntities(keysOnly, null, null)
                    .forEach(rows::add);
            EntityBatches.delete(table, rows);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("delete history rows of " + instanceId, e);
        }
    }

    Sentinel toSentinel(TableEntity entity) {
        Map<String, Object> copy = new LinkedHashMap<>();
        entity.getProperties().forEach((k, v) -> {
            if (k.startsWith(INSTANCE_COPY_PREFIX) && !k.contains("@odata")) {
                copy.put(k.substring(INSTANCE_COPY_PREFIX.length()), v);
            }
        });
        Object consumed = entity.getProperty("Consumed");
        return new Sentinel(entity.getETag(), TableValues.string(entity, "ExecutionId"),
                TableValues.intValue(entity, "Generation", 0), TableValues.intValue(entity, "Count", 0),
                TableValues.longValue(entity, "Checkpoints", 0),
                ConsumedIds.fromBytes(consumed instanceof byte[] b ? b : null), copy);
    }

    static String rowKey(int generation, int seq) {
        return String.format(Locale.ROOT, "%08X-%08X", generation, seq);
    }

    /** A pessimistic guess of an entity's size on the wire (JSON-escaped text, base64 binary). */
    private static long estimate(Map<String, Object> properties) {
        long bytes = 300;
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            Object v = p.getValue();
            bytes += p.getKey().length() + 40;
            if (v instanceof String s) {
                bytes += 2L * s.length();
            } else if (v instanceof byte[] b) {
                bytes += 4L * b.length / 3 + 4;
            } else {
                bytes += 24;
            }
        }
        return bytes;
    }
}
