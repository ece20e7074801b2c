package io.taskhub.azure.internal;

import java.time.Duration;

/**
 * What a task hub's store needs of the backend's configuration, handed in by the backend (the package knows
 * nothing of {@code io.taskhub.azure}, which depends on it).
 *
 * @param partitionCount         control-queue partitions
 * @param partitionLeaseDuration how long a partition's owner holds it without renewing
 * @param partitionRenewInterval how often owners renew
 * @param maxVisibilityDelay     the longest visibility delay a queue accepts (longer delays are re-sent)
 * @param minPollingInterval     the first wait after an empty receive
 * @param maxPollingInterval     the longest wait between receives when idle
 * @param workerId               this process's name in partition leases
 */
public record StoreSettings(int partitionCount, Duration partitionLeaseDuration, Duration partitionRenewInterval,
        Duration maxVisibilityDelay, Duration minPollingInterval, Duration maxPollingInterval, String workerId) {
}
