package io.taskhub.azure;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.ports.errors.InvalidArgumentException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * How to reach the storage account and how the backend shares work between workers. Build it with
 * {@link #builder()}; {@link Builder#build()} checks every setting and names the one that is wrong.
 *
 * @param connectionString       an Azure Storage connection string; or null when the endpoints and key are given
 * @param queueEndpoint          the queue service URL (used when there is no connection string)
 * @param tableEndpoint          the table service URL (used when there is no connection string)
 * @param accountName            the account name for shared-key authentication (with the endpoints)
 * @param accountKey             the account key for shared-key authentication (with the endpoints)
 * @param partitionCount         control queues per task hub, 1 to 16; fixed for the life of a task hub
 * @param partitionLeaseDuration how long a worker owns a partition without renewing; a crashed worker's
 *                               partitions move to others after at most this long
 * @param partitionRenewInterval how often partition leases are renewed, claimed and balanced
 * @param maxVisibilityDelay     the longest delay the queue service accepts for a message (7 days on Azure);
 *                               longer timers are re-enqueued in steps of this size
 * @param minPollingInterval     the first idle wait after a look that found nothing, doubled at each further
 *                               empty look up to {@code maxPollingInterval} (work this process produces wakes
 *                               waiters at once, whatever the interval)
 * @param maxPollingInterval     the longest idle wait between two looks at the queues (the latency of work
 *                               that arrives from another process)
 * @param workerId               this process's name in partition leases
 */
public record AzureStorageConfig(String connectionString, String queueEndpoint, String tableEndpoint,
        String accountName, String accountKey, int partitionCount, Duration partitionLeaseDuration,
        Duration partitionRenewInterval, Duration maxVisibilityDelay, Duration minPollingInterval,
        Duration maxPollingInterval, String workerId) {

    public static final int MAX_PARTITIONS = 16;
    public static final Duration AZURE_MAX_VISIBILITY_DELAY = Duration.ofDays(7);
    public static final Duration DEFAULT_MIN_POLLING = Duration.ofMillis(20);

    public AzureStorageConfig {
        boolean hasConnectionString = connectionString != null && !connectionString.isBlank();
        boolean hasEndpoints = queueEndpoint != null && tableEndpoint != null;
        if (!hasConnectionString && !hasEndpoints) {
            throw invalid("connection", "none given", "a connection string, or queueEndpoint + tableEndpoint"
                    + " (with accountName and accountKey)");
        }
        if (hasConnectionString) {
            checkConnectionString(connectionString);
        }
        if (!hasConnectionString && (accountName == null || accountKey == null)) {
            throw invalid("accountName/accountKey", "missing", "both, when endpoints are given instead of a"
                    + " connection string");
        }
        if (partitionCount < 1 || partitionCount > MAX_PARTITIONS) {
            throw invalid("partitionCount", String.valueOf(partitionCount), "1 to " + MAX_PARTITIONS);
        }
        atLeast(partitionLeaseDuration, Duration.ofSeconds(2), "partitionLeaseDuration");
        atLeast(partitionRenewInterval, Duration.ofMillis(100), "partitionRenewInterval");
        if (partitionRenewInterval.multipliedBy(2).compareTo(partitionLeaseDuration) > 0) {
            throw invalid("partitionRenewInterval", seconds(partitionRenewInterval),
                    "at most half of partitionLeaseDuration (" + seconds(partitionLeaseDuration) + ")");
        }
        atLeast(maxVisibilityDelay, Duration.ofSeconds(1), "maxVisibilityDelay");
        if (maxVisibilityDelay.compareTo(AZURE_MAX_VISIBILITY_DELAY) > 0) {
            throw invalid("maxVisibilityDelay", seconds(maxVisibilityDelay), "1 second to 7 days");
        }
        atLeast(maxPollingInterval, Duration.ofMillis(10), "maxPollingInterval");
        atLeast(minPollingInterval, Duration.ofMillis(1), "minPollingInterval");
        if (minPollingInterval.compareTo(maxPollingInterval) > 0) {
            throw invalid("minPollingInterval", seconds(minPollingInterval),
                    "at most maxPollingInterval (" + seconds(maxPollingInterval) + ")");
        }
        if (workerId == null || workerId.isBlank()) {
            throw invalid("workerId", String.valueOf(workerId), "a non-empty name");
        }
    }

    /** Parsed by both SDKs' builders (no I/O), so that a malformed string fails here, not at first use. */
    private static void checkConnectionString(String connectionString) {
        try {
            new QueueServiceClientBuilder().connectionString(connectionString);
            new TableServiceClientBuilder().connectionString(connectionString);
        } catch (IllegalArgumentException e) {
            // The string itself is not repeated: it holds the account key.
            throw invalid("connectionString", "not understood: " + e.getMessage(), "key=value pairs separated"
                    + " by ';' with AccountName and AccountKey (or SharedAccessSignature) and the endpoints or"
                    + " DefaultEndpointsProtocol, or UseDevelopmentStorage=true");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void atLeast(Duration value, Duration min, String name) {
        if (value == null || value.compareTo(min) < 0) {
            throw invalid(name, value == null ? "none" : seconds(value), "at least " + seconds(min));
        }
    }

    /** A duration as people write it in settings: "2 s", "0.1 s". */
    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static InvalidArgumentException invalid(String setting, String value, String accepted) {
        return new InvalidArgumentException("Azure Storage setting '" + setting + "' is invalid (" + value
                + "); accepted: " + accepted + ".");
    }

    /** A readable, unique worker name: host, process id and a random suffix (two stores in one JVM differ). */
    static String defaultWorkerId() {
        String runtime = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String toString() {
        // Never print the account key or a connection string (it holds the key).
        return "AzureStorageConfig[" + (connectionString != null ? "connectionString=***" : "queueEndpoint="
                + queueEndpoint + ", tableEndpoint=" + tableEndpoint + ", accountName=" + accountName)
                + ", partitionCount=" + partitionCount + ", partitionLeaseDuration=" + partitionLeaseDuration
                + ", partitionRenewInterval=" + partitionRenewInterval + ", maxVisibilityDelay=" + maxVisibilityDelay
                + ", minPollingInterval=" + minPollingInterval + ", maxPollingInterval=" + maxPollingInterval + ", workerId=" + workerId + "]";
    }

    /** Defaults: 4 partitions, 30 s partition leases renewed every 10 s, 7 day visibility delay, 1 s polling. */
    public static final class Builder {
        private String connectionString;
        private String queueEndpoint;
        private String tableEndpoint;
        private String accountName;
        private String accountKey;
        private int partitionCount = 4;
        private Duration partitionLeaseDuration = Duration.ofSeconds(30);
        private Duration partitionRenewInterval;
        private Duration maxVisibilityDelay = AZURE_MAX_VISIBILITY_DELAY;
        private Duration minPollingInterval;
        private Duration maxPollingInterval = Duration.ofSeconds(1);
        private String workerId;

        public Builder connectionString(String value) { connectionString = value; return this; }
        public Builder queueEndpoint(String value) { queueEndpoint = value; return this; }
        public Builder tableEndpoint(String value) { tableEndpoint = value; return this; }
        public Builder accountName(String value) { accountName = value; return this; }
        public Builder accountKey(String value) { accountKey = value; return this; }
        public Builder partitionCount(int value) { partitionCount = value; return this; }
        public Builder partitionLeaseDuration(Duration value) { partitionLeaseDuration = value; return this; }
        /** Defaults to a third of the partition lease duration. */
        public Builder partitionRenewInterval(Duration value) { partitionRenewInterval = value; return this; }
        public Builder maxVisibilityDelay(Duration value) { maxVisibilityDelay = value; return this; }
        /** Defaults to 20 ms, or the maximum polling interval when that is shorter. */
        public Builder minPollingInterval(Duration value) { minPollingInterval = value; return this; }
        public Builder maxPollingInterval(Duration value) { maxPollingInterval = value; return this; }
        public Builder workerId(String value) { workerId = value; return this; }

        public AzureStorageConfig build() {
            Duration renew = partitionRenewInterval != null ? partitionRenewInterval
                    : partitionLeaseDuration == null ? null : partitionLeaseDuration.dividedBy(3);
            Duration minPolling = minPollingInterval != null ? minPollingInterval : maxPollingInterval == null ? null
                    : maxPollingInterval.compareTo(DEFAULT_MIN_POLLING) < 0 ? maxPollingInterval : DEFAULT_MIN_POLLING;
            return new AzureStorageConfig(connectionString, queueEndpoint, tableEndpoint, accountName, accountKey,
                    partitionCount, partitionLeaseDuration, renew, maxVisibilityDelay, minPolling, maxPollingInterval,
                    workerId != null ? workerId : defaultWorkerId());
        }
    }
}
