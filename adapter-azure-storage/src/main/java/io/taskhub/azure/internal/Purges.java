package io.taskhub.azure.internal;

import com.azure.data.tables.models.TableEntity;
import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Purges: the instance row goes first (conditional on the status read), then its history and payload
 * partitions. Messages still queued for a purged instance are dropped when they are received (there is no row
 * to deliver them to); queues cannot be searched by instance.
 */
final class Purges {
    private final InstanceRows instances;
    private final HistoryRows history;
    private final PayloadStore payloads;
    private final InstanceQueries queries;

    public Purges(InstanceRows instances, HistoryRows history, PayloadStore payloads, InstanceQueries queries) {
        this.instances = instances;
        this.history = history;
        this.payloads = payloads;
        this.queries = queries;
    }

    public boolean purge(String instanceId, Set<RuntimeStatus> allowed) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<InstanceRow> row = instances.read(instanceId, false);
            if (row.isEmpty() || !allowed.contains(row.get().metadata().runtimeStatus())) {
                return false;
            }
            try {
                instances.delete(instanceId, row.get().etag());
            } catch (RuntimeException e) {
                if (StorageErrors.isNotFound(e)) {
                    return false;
                }
                if (StorageErrors.isPreconditionFailed(e)) {
                    continue; // changed since read: decide again
                }
                throw StorageErrors.wrap("purge instance " + instanceId, e);
            }
            history.deleteAll(instanceId);
            payloads.deleteAll(instanceId);
            return true;
        }
        return false;
    }

    /** Scans created-time range and statuses (server-side filters) and purges up to {@code max} matches. */
    public PurgeResult purge(PurgeFilter filter, int max) {
        if (filter.statuses().isEmpty()) {
            return PurgeResult.NONE;
        }
        InstanceQueries.Filter f = new InstanceQueries.Filter();
        f.add(InstanceRows.CREATED + " ge " + TableValues.literal(TableValues.instant(filter.createdFrom())), 1);
        if (filter.createdTo() != null) {
            f.add(InstanceRows.CREATED + " le " + TableValues.literal(TableValues.instant(filter.createdTo())), 1);
        }
        f.add("(" + String.join(" or ", filter.statuses().stream()
                .map(s -> InstanceRows.STATUS + " eq " + TableValues.literal(s.name())).toList()) + ")",
                filter.statuses().size());
        int deleted = 0;
        Iterator<TableEntity> rows = queries.scan(f, false).iterator();
        while (rows.hasNext()) {
            if (deleted >= max) {
                return new PurgeResult(deleted, false);
            }
            InstanceRow row = instances.fromEntity(rows.next(), false);
            if (filter.matches(row.metadata()) && purge(row.metadata().instanceId(), filter.statuses())) {
                deleted++;
            }
        }
        return new PurgeResult(deleted, true);
    }
}
