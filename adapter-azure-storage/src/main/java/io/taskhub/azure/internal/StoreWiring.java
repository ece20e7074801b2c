package io.taskhub.azure.internal;

import com.azure.data.tables.TableServiceClient;
import com.azure.storage.queue.QueueServiceClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** The parts of one task hub's store, and the one place that wires them to each other. */
record StoreWiring(HubClients hub, InstanceRows instances, HistoryRows history, Outbox outbox, StartRules starts,
        Waiter waiter, ControlQueueBuffer buffer, PartitionManager partitions, OrchestrationClaims claims,
        OrchestrationCommits commits, ActivityQueue activities, CurrentExecutions executions, InstanceQueries queries,
        Purges purges, WorkerRows workers) {

    /**
     * @param io       for bulk calls (outboxes, deletions)
     * @param urgentIo for lease renewals and claims, apart so that a large outbox never delays them
     */
    static StoreWiring wire(String taskHub, StoreSettings config, QueueServiceClient queueService,
            TableServiceClient tableService, ScheduledExecutorService scheduler, ExecutorService io,
            ExecutorService urgentIo) {
        HubClients hub = new HubClients(queueService, tableService, new ResourceNames(taskHub,
                config.partitionCount()));
        QueueOps queues = new QueueOps(config.maxVisibilityDelay());
        PayloadStore payloads = new PayloadStore(hub.payloads());
        MessageCodec codec = new MessageCodec(payloads);
        InstanceRows instances = new InstanceRows(hub.instances(), payloads);
        HistoryRows history = new HistoryRows(hub.history(), payloads);
        Waiter waiter = new Waiter(config.minPollingInterval(), config.maxPollingInterval());
        Outbox outbox = new Outbox(hub, queues, codec, scheduler, waiter::signal);
        StartRules starts = new StartRules(instances, outbox);
        ParallelIo parallel = new ParallelIo(io);
        ParallelIo renewals = new ParallelIo(urgentIo);
        ControlQueueBuffer buffer = new ControlQueueBuffer(queues, codec, hub::controlQueue, renewals,
                new ReceiveBackoff(config.minPollingInterval(), config.maxPollingInterval(), outbox::controlSends));
        PartitionManager partitions = new PartitionManager(hub.partitions(), config.partitionCount(),
                config.partitionLeaseDuration(), config.partitionRenewInterval(), config.workerId(), scheduler, buffer);
        buffer.checkOwnershipWith(new ControlQueueBuffer.Ownership() {
            @Override
            public boolean holds(int partition, long epoch) {
                return partitions.holds(partition, epoch);
            }

            @Override
            public boolean leased(int partition, long epoch) {
                return partitions.leased(partition, epoch);
            }
        });
        OrchestrationClaims claims = new OrchestrationClaims(partitions, buffer, queues, codec, instances, history,
                starts, urgentIo);
        CurrentExecutions executions = new CurrentExecutions();
        ActivityQueue activities = new ActivityQueue(hub, queues, codec, outbox, instances, executions, renewals,
                new ReceiveBackoff(config.minPollingInterval(), config.maxPollingInterval(), outbox::taskSends));
        OrchestrationCommits commits = new OrchestrationCommits(partitions, buffer, queues, outbox, starts,
                instances, history, executions, activities, waiter, parallel, renewals);
        InstanceQueries queries = new InstanceQueries(hub.instances(), instances);
        Purges purges = new Purges(instances, history, payloads, queries);
        return new StoreWiring(hub, instances, history, outbox, starts, waiter, buffer, partitions, claims, commits,
                activities, executions, queries, purges, new WorkerRows(hub));
    }
}
