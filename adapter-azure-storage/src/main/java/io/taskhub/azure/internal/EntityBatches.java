package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deletes rows in entity-group transactions of up to 100 (one transaction per partition key). */
final class EntityBatches {
    private static final int MAX_ACTIONS = 100;

    private EntityBatches() {
    }

    static void delete(TableClient table, List<TableEntity> rows) {
        Map<String, List<TableEntity>> byPartition = new LinkedHashMap<>();
        for (TableEntity row : rows) {
            byPartition.computeIfAbsent(row.getPartitionKey(), k -> new ArrayList<>()).add(row);
        }
        for (List<TableEntity> partition : byPartition.values()) {
            for (int start = 0; start < partition.size(); start += MAX_ACTIONS) {
                List<TableTransactionAction> actions = new ArrayList<>();
                for (TableEntity row : partition.subList(start, Math.min(partition.size(), start + MAX_ACTIONS))) {
                    actions.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                            new TableEntity(row.getPartitionKey(), row.getRowKey())));
                }
                try {
                    table.submitTransaction(actions);
                } catch (RuntimeException e) {
                    if (!StorageErrors.isNotFound(e)) {
                        throw e;
                    }
                    // Someone deleted one of them first: delete the rest one by one.
                    for (TableTransactionAction action : actions) {
                        deleteQuietly(table, action.getEntity());
                    }
                }
            }
        }
    }

    private static void deleteQuietly(TableClient table, TableEntity row) {
        try {
            table.deleteEntity(row.getPartitionKey(), row.getRowKey());
        } catch (RuntimeException e) {
            if (!StorageErrors.isNotFound(e)) {
                throw e;
            }
        }
    }
}
