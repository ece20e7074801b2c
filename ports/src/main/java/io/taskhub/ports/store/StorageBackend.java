package io.taskhub.ports.store;

/**
 * A configured storage backend (a database, a storage account, a file): the factory of per-task-hub stores.
 * Each backend module binds one implementation in its Guice module.
 */
public interface StorageBackend extends AutoCloseable {
    /** A short name for logs and the CLI, such as "sqlite" or "postgres". */
    String name();

    /**
     * The store for one task hub; cheap to call repeatedly (implementations may cache). Task hub names are
     * case-insensitive: "Orders" and "orders" are the same task hub.
     */
    OrchestrationStore taskHub(String taskHubName);

    /**
     * The task hubs of this storage that have a live worker (an announcement that has not expired, see
     * {@link OrchestrationStore#registerWorker}), spelled as those workers spell them. A backend that cannot list
     * them across task hubs returns an empty set.
     */
    default java.util.Set<String> liveTaskHubs() {
        return java.util.Set.of();
    }

    /**
     * Writes finished instances in bulk for benchmarks (see {@link BulkLoader}); empty where the backend has no
     * set-based way to do it.
     */
    default java.util.Optional<BulkLoader> bulkLoader() {
        return java.util.Optional.empty();
    }

    /**
     * Measures the storage service's own rates for benchmarks (see {@link RawRateProbe}); empty where that means
     * nothing apart from Taskhub's own figures (an embedded database).
     */
    default java.util.Optional<RawRateProbe> rawRateProbe() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
