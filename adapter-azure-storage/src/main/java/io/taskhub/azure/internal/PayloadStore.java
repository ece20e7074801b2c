package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.taskhub.ports.errors.StorageException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Texts too large for a queue message (64 KiB) or a table property (64 KiB) live out of line in the Payloads
 * table: partition key = the instance id (so purging an instance removes them), one row per 640 000 bytes, each
 * row holding up to 10 binary properties of 64 000 bytes (under the 64 KiB property limit, and under the 1 MiB
 * entity limit even as base64 on the wire).
 * A payload is written before the record that refers to it, so a reader never follows a reference to missing
 * rows; rows orphaned by a crash are removed with the instance.
 *
 * <p>A reference reads {@code payload:<id>:<rows>:<bytes>}.
 */
final class PayloadStore {
    static final String PREFIX = "payload:";
    private static final int PROPERTY_BYTES = 64_000;
    private static final int PROPERTIES_PER_ROW = 10;
    private static final int ROW_BYTES = PROPERTY_BYTES * PROPERTIES_PER_ROW;

    private final TableClient table;

    public PayloadStore(TableClient table) {
        this.table = table;
    }

    /** Stores {@code text} for {@code instanceId} and returns its reference. */
    public String put(String instanceId, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String id = UUID.randomUUID().toString();
        int rows = Math.max(1, (bytes.length + ROW_BYTES - 1) / ROW_BYTES);
        try {
            for (int row = 0; row < rows; row++) {
                TableEntity entity = new TableEntity(instanceId, rowKey(id, row));
                int start = row * ROW_BYTES;
                for (int p = 0; p < PROPERTIES_PER_ROW; p++) {
                    int from = start + p * PROPERTY_BYTES;
                    if (from >= bytes.length) {
                        break;
                    }
                    int to = Math.min(bytes.length, from + PROPERTY_BYTES);
                    entity.addProperty("D" + p, java.util.Arrays.copyOfRange(bytes, from, to));
                }
                table.upsertEntity(entity);
            }
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("store a large payload for instance " + instanceId, e);
        }
        return PREFIX + id + ":" + rows + ":" + bytes.length;
    }

    public static boolean isReference(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** Reads the text behind {@code reference}. */
    public String get(String instanceId, String reference) {
        String[] parts = reference.substring(PREFIX.length()).split(":");
        String id = parts[0];
        int rows = Integer.parseInt(parts[1]);
        int length = Integer.parseInt(parts[2]);
        List<TableEntity> found = new ArrayList<>();
        try {
            String filter = "PartitionKey eq " + TableValues.literal(instanceId) + " and RowKey ge "
                    + TableValues.literal(id + "-") + " and RowKey lt " + TableValues.literal(id + ".");
            table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null).forEach(found::add);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("read a large payload of instance " + instanceId, e);
        }
        if (found.size() != rows) {
            throw new MissingPayloadException("Large payload " + id + " of instance " + instanceId + " has "
                    + found.size() + " of its " + rows + " rows; it was deleted (purged) or never completely written.");
        }
        found.sort(Comparator.comparing(TableEntity::getRowKey));
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        for (TableEntity entity : found) {
            for (int p = 0; p < PROPERTIES_PER_ROW; p++) {
                Object chunk = entity.getProperty("D" + p);
                if (chunk instanceof byte[] bytes) {
                    out.writeBytes(bytes);
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Deletes every payload of the instance. */
    public void deleteAll(String instanceId) {
        try {
            List<TableEntity> rows = new ArrayList<>();
            table.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq " + TableValues.literal(instanceId))
                    .setSelect(List.of("PartitionKey", "RowKey")), null, null).forEach(rows::add);
            EntityBatches.delete(table, rows);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("delete the payloads of " + instanceId, e);
        }
    }

    /** The rows behind a reference are gone: the instance was purged while the reference was in flight. */
    public static final class MissingPayloadException extends StorageException {
        MissingPayloadException(String message) {
            super(message);
        }
    }

    private static String rowKey(String id, int row) {
        return String.format(Locale.ROOT, "%s-%05d", id, row);
    }
}
