package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Instances table: one row per instance (partition key = instance id, empty row key, as Durable Functions
 * lays it out). Texts longer than {@value #INLINE_CHARS} characters (a string property holds 64 KiB of UTF-16)
 * are stored in the {@link PayloadStore} and referenced from an {@code <Name>Ref} property.
 */
final class InstanceRows {
    public static final String ROW_KEY = "";
    static final int INLINE_CHARS = 30_000;

    static final String NAME = "Name";
    static final String VERSION = "Version";
    static final String EXECUTION_ID = "ExecutionId";
    static final String STATUS = "RuntimeStatus";
    static final String INPUT = "Input";
    static final String OUTPUT = "Output";
    static final String CUSTOM_STATUS = "CustomStatus";
    static final String FAILURE = "Failure";
    static final String TAGS = "Tags";
    static final String CREATED = "CreatedAt";
    static final String LAST_UPDATED = "LastUpdatedAt";
    static final String COMPLETED = "CompletedAt";
    static final String SCHEDULED_START = "ScheduledStartAt";
    static final String PARENT_ID = "ParentInstanceId";
    static final String PARENT_EXECUTION = "ParentExecutionId";
    static final String PARENT_NAME = "ParentName";
    static final String PARENT_TASK = "ParentTaskId";
    static final String REVISION = "Revision";
    /** The revision of the parent that results sent to it must wait for (see {@link Envelope#rv()}). */
    static final String PARENT_REVISION = "ParentRevision";
    static final String REF = "Ref";

    /** Columns that may hold large texts; left out of queries that do not fetch inputs and outputs. */
    static final List<String> LARGE = List.of(INPUT, OUTPUT, CUSTOM_STATUS);

    private final TableClient table;
    private final PayloadStore payloads;

    public InstanceRows(TableClient table, PayloadStore payloads) {
        this.table = table;
        this.payloads = payloads;
    }

    public Optional<InstanceRow> read(String instanceId) {
        return read(instanceId, true);
    }

    /** @param resolvePayloads false leaves out-of-line texts null (their references stay in the properties) */
    public Optional<InstanceRow> read(String instanceId, boolean resolvePayloads) {
        try {
            return TableValues.find(table, instanceId, ROW_KEY).map(entity -> fromEntity(entity, resolvePayloads));
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("read instance " + instanceId, e);
        }
    }

    /** Creates the row; a 409 (it exists) propagates as the SDK's exception for the caller to resolve. */
    public void insert(String instanceId, Map<String, Object> properties) {
        TableEntity entity = new TableEntity(instanceId, ROW_KEY).setProperties(new LinkedHashMap<>(properties));
        table.createEntity(entity);
    }

    /** Replaces the row if it still has {@code etag}; a 412 or 404 propagates as the SDK's exception. */
    public void replace(String instanceId, Map<String, Object> properties, String etag) {
        TableEntity entity = new TableEntity(instanceId, ROW_KEY).setProperties(new LinkedHashMap<>(properties));
        table.updateEntityWithResponse(TableValues.withETag(entity, etag), TableEntityUpdateMode.REPLACE, true,
                null, null);
    }

    /** Deletes the row if it still has {@code etag}; a 412 or 404 propagates as the SDK's exception. */
    public void delete(String instanceId, String etag) {
        TableEntity entity = TableValues.withETag(new TableEntity(instanceId, ROW_KEY), etag);
        table.deleteEntityWithResponse(entity, true, null, null);
    }

    /**
     * The properties of a row for {@code m} at {@code revision}. Large texts that did not change since
     * {@code previous} keep their payload; others are written out of line now.
     */
    public Map<String, Object> toProperties(InstanceMetadata m, long revision, long parentRevision,
            InstanceRow previous) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(NAME, m.name());
        put(p, VERSION, m.version());
        p.put(EXECUTION_ID, m.executionId());
        p.put(STATUS, m.runtimeStatus().name());
        p.put(CREATED, TableValues.instant(m.createdAt()));
        p.put(LAST_UPDATED, TableValues.instant(m.lastUpdatedAt()));
        put(p, COMPLETED, TableValues.instant(m.completedAt()));
        put(p, SCHEDULED_START, TableValues.instant(m.scheduledStartAt()));
        ParentInstance parent = m.parent();
        if (parent != null) {
            p.put(PARENT_ID, parent.instanceId());
            p.put(PARENT_EXECUTION, parent.executionId());
            put(p, PARENT_NAME, parent.name());
            p.put(PARENT_TASK, parent.taskId());
        }
        p.put(REVISION, revision);
        if (parentRevision > 0) {
            p.put(PARENT_REVISION, parentRevision);
        }
        String id = m.instanceId();
        putText(p, id, INPUT, m.input(), previous, InstanceMetadata::input);
        putText(p, id, OUTPUT, m.output(), previous, InstanceMetadata::output);
        putText(p, id, CUSTOM_STATUS, m.customStatus(), previous, InstanceMetadata::customStatus);
        putText(p, id, FAILURE, JsonCodec.writeFailure(m.failure()), previous,
                old -> JsonCodec.writeFailure(old.failure()));
        putText(p, id, TAGS, JsonCodec.writeTags(m.tags()), previous, old -> JsonCodec.writeTags(old.tags()));
        return p;
    }

    private void putText(Map<String, Object> p, String instanceId, String name, String value, InstanceRow previous,
            Function<InstanceMetadata, String> previousValue) {
        if (value == null) {
            return;
        }
        if (value.length() <= INLINE_CHARS) {
            p.put(name, value);
            return;
        }
        Object oldReference = previous == null ? null : previous.properties().get(name + REF);
        if (oldReference != null && value.equals(previousValue.apply(previous.metadata()))) {
            p.put(name + REF, oldReference);
        } else {
            p.put(name + REF, payloads.put(instanceId, value));
        }
    }

    private static void put(Map<String, Object> p, String name, Object value) {
        if (value != null) {
            p.put(name, value);
        }
    }

    public InstanceRow fromEntity(TableEntity entity, boolean resolvePayloads) {
        Map<String, Object> properties = new LinkedHashMap<>();
        entity.getProperties().forEach((k, v) -> {
            if (!k.startsWith("odata.") && !k.contains("@odata") && !k.equals("PartitionKey")
                    && !k.equals("RowKey") && !k.equals("Timestamp")) {
                properties.put(k, v);
            }
        });
        InstanceMetadata metadata = metadata(entity.getPartitionKey(), properties, resolvePayloads);
        long parentRevision = properties.get(PARENT_REVISION) instanceof Number n ? n.longValue() : 0;
        return new InstanceRow(metadata, entity.getETag(), parentRevision, properties);
    }

    /** The row's metadata with its out-of-line texts read. */
    public InstanceMetadata fromEntityProperties(InstanceRow row, boolean resolvePayloads) {
        return metadata(row.metadata().instanceId(), row.properties(), resolvePayloads);
    }

    /** Reads metadata from stored properties (those of a row, or the copy kept in a history sentinel). */
    InstanceMetadata metadata(String instanceId, Map<String, Object> p, boolean resolvePayloads) {
        ParentInstance parent = p.get(PARENT_ID) == null ? null : new ParentInstance(str(p, PARENT_ID),
                str(p, PARENT_EXECUTION), str(p, PARENT_NAME), ((Number) p.getOrDefault(PARENT_TASK, 0)).intValue());
        String failure = text(instanceId, p, FAILURE, resolvePayloads);
        String tags = text(instanceId, p, TAGS, resolvePayloads);
        return new InstanceMetadata(instanceId, str(p, NAME), str(p, VERSION), str(p, EXECUTION_ID),
                RuntimeStatus.valueOf(str(p, STATUS)), text(instanceId, p, INPUT, resolvePayloads),
                text(instanceId, p, OUTPUT, resolvePayloads), text(instanceId, p, CUSTOM_STATUS, resolvePayloads),
                JsonCodec.readFailure(failure), TableValues.instant(p.get(CREATED)),
                TableValues.instant(p.get(LAST_UPDATED)), TableValues.instant(p.get(COMPLETED)),
                TableValues.instant(p.get(SCHEDULED_START)), parent, JsonCodec.readTags(tags),
                ((Number) p.getOrDefault(REVISION, 0L)).longValue());
    }

    private String text(String instanceId, Map<String, Object> p, String name, boolean resolvePayloads) {
        Object inline = p.get(name);
        if (inline != null) {
            return inline.toString();
        }
        Object reference = p.get(name + REF);
        if (reference == null || !resolvePayloads) {
            return null;
        }
        return payloads.get(instanceId, reference.toString());
    }

    private static String str(Map<String, Object> p, String name) {
        Object value = p.get(name);
        return value == null ? null : value.toString();
    }

    /**
     * One stored instance row.
     *
     * @param properties    the stored properties (payload references, not their texts)
     * @param parentRevision see {@link InstanceRows#PARENT_REVISION}; 0 when none
     */
    public record InstanceRow(InstanceMetadata metadata, String etag, long parentRevision,
            Map<String, Object> properties) {
        public long revision() {
            return metadata.revision();
        }
    }
}
