package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Optional;

/** Conversions between Java values and table properties, and OData filter literals. */
final class TableValues {
    /**
     * Instants are stored as fixed-width UTC text with nanoseconds: they read back exactly (Edm.DateTime keeps
     * only 100 ns) and compare correctly as strings in server-side filters.
     */
    private static final DateTimeFormatter FIXED = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendLiteral('Z').toFormatter().withZone(ZoneOffset.UTC);

    private TableValues() {
    }

    public static String instant(Instant value) {
        return value == null ? null : FIXED.format(value);
    }

    public static Instant instant(Object stored) {
        return stored == null ? null : Instant.from(FIXED.parse(stored.toString()));
    }

    /** An OData string literal: single-quoted, quotes doubled. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    public static String string(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        return value == null ? null : value.toString();
    }

    public static long longValue(TableEntity entity, String name, long otherwise) {
        Object value = entity.getProperty(name);
        return value instanceof Number n ? n.longValue() : value == null ? otherwise : Long.parseLong(value.toString());
    }

    public static int intValue(TableEntity entity, String name, int otherwise) {
        return (int) longValue(entity, name, otherwise);
    }

    /**
     * Reads one entity, or empty. A point query rather than a get: a missing entity is an ordinary answer here
     * (a new instance has no sentinel yet), and the SDK logs every failed get as an error.
     */
    public static Optional<TableEntity> find(TableClient table, String partitionKey, String rowKey) {
        String filter = "PartitionKey eq " + literal(partitionKey) + " and RowKey eq " + literal(rowKey);
        for (TableEntity entity : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null)) {
            return Optional.of(entity);
        }
        return Optional.empty();
    }

    /** An entity to write with an If-Match condition on {@code etag}. */
    public static TableEntity withETag(TableEntity entity, String etag) {
        return entity.addProperty("odata.etag", etag);
    }
}
