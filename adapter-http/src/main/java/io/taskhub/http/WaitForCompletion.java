package io.taskhub.http;

import io.javalin.http.Context;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;

/**
 * "Wait for completion" (HTTP-API.md): waits up to the timeout, woken by the instance's own progress through the
 * driving port (no sleep loop), then answers with the output (Completed), the status (Failed, Terminated,
 * Canceled) or the check-status response (still running).
 */
final class WaitForCompletion {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Duration timeout;

    private WaitForCompletion(Duration timeout, Duration interval) {
        if (interval.compareTo(timeout) > 0) {
            throw new InvalidArgumentException("The polling interval (" + seconds(interval)
                    + " s) must not be larger than the timeout (" + seconds(timeout) + " s).");
        }
        this.timeout = timeout;
    }

    /** Start and restart wait only when both {@code timeout} and {@code pollingInterval} are given. */
    static WaitForCompletion ifRequested(Context ctx) {
        Duration timeout = QueryParams.seconds(ctx, "timeout");
        Duration interval = QueryParams.seconds(ctx, "pollingInterval");
        return timeout == null || interval == null ? null : new WaitForCompletion(timeout, interval);
    }

    /** The convenience starters always wait: {@code timeout} (10 s) and {@code retryInterval} (1 s). */
    static WaitForCompletion always(Context ctx) {
        Duration timeout = QueryParams.seconds(ctx, "timeout");
        Duration interval = QueryParams.seconds(ctx, "retryInterval");
        return new WaitForCompletion(timeout == null ? DEFAULT_TIMEOUT : timeout,
                interval == null ? DEFAULT_INTERVAL : interval);
    }

    void respond(Context ctx, TaskhubClient client, ManagementUrls urls, String instanceId) {
        InstanceMetadata m = client.waitForCompletion(instanceId, timeout)
                .orElseThrow(() -> new InstanceNotFoundException(instanceId));
        if (m.runtimeStatus() == RuntimeStatus.Completed) {
            Responses.json(ctx, 200, Json.value(m.output()));
        } else if (m.runtimeStatus().isTerminal()) {
            var status = client.getStatus(instanceId, StatusOptions.DEFAULT)
                    .orElseThrow(() -> new InstanceNotFoundException(instanceId));
            Responses.status(ctx, status, StatusOptions.DEFAULT,
                    QueryParams.bool(ctx, "returnInternalServerErrorOnFailure", false), null);
        } else {
            Responses.checkStatus(ctx, urls, instanceId);
        }
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
