/**
 * The Azure Storage backend's machinery, hidden behind one entry point, {@link
 * io.taskhub.azure.internal.AzureOrchestrationStore} (a task hub's store, built by
 * {@code io.taskhub.azure.AzureStorageBackend} with its {@link io.taskhub.azure.internal.StoreSettings}). Control
 * queues partitioned among workers ({@code PartitionManager}, {@code ControlQueueBuffer}, {@code OrchestrationClaims}),
 * the checkpoint as an ordered list of writes ({@code OrchestrationCommits}), the work-item queue
 * ({@code ActivityQueue}), the instance and history tables ({@code InstanceRows}, {@code HistoryRows}), large values
 * out of line ({@code PayloadStore}) and the queries and purges over them. Everything else is package-private: the
 * design is described in docs/azure-storage.md.
 */
package io.taskhub.azure.internal;
