package io.taskhub.azure;

import com.azure.core.credential.AzureNamedKeyCredential;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.azure.internal.AzureOrchestrationStore;
import io.taskhub.azure.internal.StoreSettings;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.RawRateProbe;
import io.taskhub.ports.store.StorageBackend;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TABLE_CALL_TIMEOUT = Duration.ofSeconds(35);
    private static final int SDK_TRIES = 3;
    private static final Duration SDK_RETRY_DELAY = Duration.ofMillis(250);
    private static final Duration SDK_MAX_RETRY_DELAY = Duration.ofSeconds(4);

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
        // Every call is bounded, and so are the SDK's own retries: none of Taskhub's calls waits on the service (a
        // receive answers at once, empty or not), and a call that hangs (a connection to a storage service that went
        // away and came back) must not hold a step for minutes while its lease is renewed and its instance's new
        // messages wait behind it; after an outage the work resumes within seconds, with Taskhub's own retries,
        // instead of after the SDK's default back-off of up to 2 minutes.
        HttpClientOptions http = new HttpClientOptions().setConnectionIdleTimeout(Duration.ofSeconds(4))
                .setConnectTimeout(CALL_TIMEOUT).setWriteTimeout(CALL_TIMEOUT).setResponseTimeout(CALL_TIMEOUT)
                .setReadTimeout(CALL_TIMEOUT);
        QueueServiceClientBuilder queueBuilder = new QueueServiceClientBuilder().clientOptions(http)
                .messageEncoding(QueueMessageEncoding.BASE64)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, SDK_TRIES,
                        CALL_TIMEOUT.multipliedBy(2), SDK_RETRY_DELAY, SDK_MAX_RETRY_DELAY, null));
        // An entity group transaction (a checkpoint's history rows) may take the Table service up to 30 s.
        HttpClientOptions tableHttp = new HttpClientOptions().setConnectionIdleTimeout(Duration.ofSeconds(4))
                .setConnectTimeout(CALL_TIMEOUT).setWriteTimeout(TABLE_CALL_TIMEOUT)
                .setResponseTimeout(TABLE_CALL_TIMEOUT).setReadTimeout(TABLE_CALL_TIMEOUT);
        TableServiceClientBuilder tableBuilder = new TableServiceClientBuilder().clientOptions(tableHttp)
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(SDK_TRIES - 1)
                        .setBaseDelay(SDK_RETRY_DELAY).setMaxDelay(SDK_MAX_RETRY_DELAY)));
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
    public Optional<RawRateProbe> rawRateProbe() {
        return Optional.of(new AzureRawRates(queues, tables));
    }

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
