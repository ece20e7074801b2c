package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.taskhub.ports.store.WorkerRegistration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The announcements of a task hub's running workers: rows of the partitions table under a partition key of their
 * own, one per worker. A worker id may hold characters a row key may not ({@code / \ # ?}), so the row key is the
 * id in URL-safe Base64; the id itself is a property.
 */
final class WorkerRows {
    static final String PARTITION_KEY = "worker";
    private static final String FILTER = "PartitionKey eq " + TableValues.literal(PARTITION_KEY);

    private final HubClients hub;

    WorkerRows(HubClients hub) {
        this.hub = hub;
    }

    void register(WorkerRegistration registration, Instant now) {
        TableClient table = hub.partitions();
        TableEntity row = new TableEntity(PARTITION_KEY, rowKey(registration.workerId()))
                .addProperty("WorkerId", registration.workerId())
                .addProperty("Orchestrators", WorkerRegistration.encodeNames(registration.orchestrators()))
                .addProperty("Activities", WorkerRegistration.encodeNames(registration.activities()))
                .addProperty("ExpiresAt", TableValues.instant(registration.expiresAt()));
        table.upsertEntity(row);
        for (TableEntity stale : table.listEntities(new ListEntitiesOptions().setFilter(FILTER), null, null)) {
            if (!expiry(stale).isAfter(now)) {
                try {
                    // only as listed: a renewal in between keeps its row
                    table.deleteEntityWithResponse(stale, true, null, null);
                } catch (RuntimeException e) {
                    if (!StorageErrors.isNotFound(e) && !StorageErrors.isPreconditionFailed(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    void unregister(String workerId) {
        delete(hub.partitions(), rowKey(workerId));
    }

    List<WorkerRegistration> live(Instant now) {
        List<WorkerRegistration> live = new ArrayList<>();
        for (TableEntity row : hub.partitions().listEntities(new ListEntitiesOptions().setFilter(FILTER), null,
                null)) {
            Instant expiresAt = expiry(row);
            if (expiresAt.isAfter(now)) {
                live.add(new WorkerRegistration(TableValues.string(row, "WorkerId"),
                        WorkerRegistration.decodeNames(TableValues.string(row, "Orchestrators")),
                        WorkerRegistration.decodeNames(TableValues.string(row, "Activities")), expiresAt));
            }
        }
        return live;
    }

    private static Instant expiry(TableEntity row) {
        return TableValues.instant(row.getProperty("ExpiresAt"));
    }

    private static void delete(TableClient table, String rowKey) {
        try {
            table.deleteEntity(PARTITION_KEY, rowKey);
        } catch (RuntimeException e) {
            if (!StorageErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    private static String rowKey(String workerId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(workerId.getBytes(StandardCharsets.UTF_8));
    }
}
