package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableServiceException;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import java.util.List;

/** The SDK clients of one task hub's queues and tables (building them does no I/O). */
final class HubClients {
    private final ResourceNames names;
    private final QueueServiceClient queueService;
    private final TableServiceClient tableService;
    private final List<QueueClient> controlQueues;
    private final QueueClient workItems;

    public HubClients(QueueServiceClient queueService, TableServiceClient tableService, ResourceNames names) {
        this.names = names;
        this.queueService = queueService;
        this.tableService = tableService;
        this.controlQueues = names.controlQueues().stream().map(queueService::getQueueClient).toList();
        this.workItems = queueService.getQueueClient(names.workItemQueue());
    }

    public ResourceNames names() { return names; }
    public int partitionCount() { return controlQueues.size(); }
    public QueueClient controlQueue(int partition) { return controlQueues.get(partition); }
    public QueueClient workItems() { return workItems; }
    public TableClient instances() { return tableService.getTableClient(names.instancesTable()); }
    public TableClient history() { return tableService.getTableClient(names.historyTable()); }
    public TableClient partitions() { return tableService.getTableClient(names.partitionsTable()); }
    public TableClient payloads() { return tableService.getTableClient(names.payloadsTable()); }

    public int partitionOf(String instanceId) {
        return PartitionHash.partitionOf(instanceId, controlQueues.size());
    }

    public QueueClient controlQueueOf(String instanceId) {
        return controlQueue(partitionOf(instanceId));
    }

    public void createIfNotExists() {
        try {
            for (QueueClient queue : controlQueues) {
                queue.createIfNotExists();
            }
            workItems.createIfNotExists();
            for (String table : names.tables()) {
                tableService.createTableIfNotExists(table);
            }
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("create the queues and tables of task hub " + names.taskHub(), e);
        }
    }

    public void deleteIfExists() {
        try {
            for (QueueClient queue : controlQueues) {
                queue.deleteIfExists();
            }
            workItems.deleteIfExists();
            for (String table : names.tables()) {
                deleteTable(table);
            }
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("delete task hub " + names.taskHub(), e);
        }
    }

    private void deleteTable(String table) {
        try {
            tableService.deleteTable(table);
        } catch (TableServiceException e) {
            if (!StorageErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    QueueServiceClient queueService() {
        return queueService;
    }
}
