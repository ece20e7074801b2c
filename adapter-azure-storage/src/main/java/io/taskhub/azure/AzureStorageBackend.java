package io.taskhub.azure;

import com.azure.core.credential.AzureNamedKeyCredential;
import com.azure.core.util.HttpClientOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.azure.internal.AzureOrchestrationStore;
import io.taskhub.azure.internal.StoreSettings;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Azure Storage (queues and tables) as Taskhub's storage: one store per task hub, all sharing the SDK clients,
 * two background threads and pools for parallel storage calls. Constructing it does no I/O; the first call of
 * a store does.
 */
public final class AzureStorageBackend implements StorageBackend {
    /** Storage calls a process runs side by side (outboxes, deletions, renewals of many messages). */
    private static final int IO_THREADS = 16;
    /** Short, latency-sensitive calls (lease renewals, claim reads), apart from the bulk calls of outboxes. */
    private static final int URGENT_THREADS = 8;

    private final AzureStorageConfig config;
    private final QueueServiceClient queues;
    private final TableServiceClient tables;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final ExecutorService urgentIo;
    private final Map<String, AzureOrchestrationStore> stores = new ConcurrentHashMap<>();

    public AzureStorageBackend(AzureStorageConfig config) {
        this.config = config;
        // Idle connections are dropped before the service drops them (Node, hence Azurite, closes idle keep-alive
        // connections after 5 s): a request sent on a connection the server just closed fails and, being a POST,
        // cannot be retried.
        HttpClientOptions http = new HttpClientOptions().setConnectionIdleTimeout(Duration.ofSeconds(4));
        QueueServiceClientBuilder queueBuilder = new QueueServiceClientBuilder().clientOptions(http)
                .messageEncoding(QueueMessageEncoding.BASE64);
        TableServiceClientBuilder tableBuilder = new TableServiceClientBuilder().clientOptions(http);
        if (config.connectionString() != null && !config.connectionString().isBlank()) {
            queueBuilder.connectionString(config.connectionString());
            tableBuilder.connectionString(config.connectionString());
        } else {
            queueBuilder.endpoint(config.queueEndpoint())
                    .credential(new StorageSharedKeyCredential(config.accountName(), config.accountKey()));
            tableBuilder.endpoint(config.tableEndpoint())
                    .credential(new AzureNamedKeyCredential(config.accountName(), config.accountKey()));
        }
        this.queues = queueBuilder.buildClient();
        this.tables = tableBuilder.buildClient();
        this.scheduler = Executors.newScheduledThreadPool(2, daemons("taskhub-azure-background-"));
        this.io = Executors.newFixedThreadPool(IO_THREADS, daemons("taskhub-azure-io-"));
        this.urgentIo = Executors.newFixedThreadPool(URGENT_THREADS, daemons("taskhub-azure-urgent-"));
    }

    @Override
    public String name() {
        return "azure-storage";
    }

    public AzureStorageConfig config() {
        return config;
    }

    @Override
    public OrchestrationStore taskHub(String taskHubName) {
        TaskHubNames.validate(taskHubName);
        // Names are case-insensitive (queue names are lower case anyway): one store per hub, named as first asked.
        return stores.computeIfAbsent(taskHubName.toLowerCase(java.util.Locale.ROOT), key ->
                new AzureOrchestrationStore(taskHubName, storeSettings(config), queues, tables, scheduler, io,
                        urgentIo));
    }

    /** Hands this process's partitions over to other workers, then stops the background threads. */
    @Override
    public void close() {
        stores.values().forEach(store -> store.stopBackground(Duration.ofSeconds(10), true));
        stores.clear();
        scheduler.shutdownNow();
        io.shutdownNow();
        urgentIo.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static StoreSettings storeSettings(AzureStorageConfig config) {
        return new StoreSettings(config.partitionCount(), config.partitionLeaseDuration(),
                config.partitionRenewInterval(), config.maxVisibilityDelay(), config.minPollingInterval(),
                config.maxPollingInterval(), config.workerId());
    }
}
