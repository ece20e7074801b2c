package io.taskhub.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the Durable Task protocol is served: the host (loopback unless told otherwise), the port (0: any free
 * one), the API keys a call must present (none: no key asked for; then only a loopback address is served unless
 * {@code allowInsecureBind}), and how long a connected worker may take to answer a work item before it is given to
 * another (an activity that runs longer needs a longer one).
 */
public record GrpcConfig(String host, int port, List<String> apiKeys, boolean allowInsecureBind,
        Duration workItemTimeout) {
    /** The port the Durable Task SDKs use unless told otherwise. */
    public static final int SDK_DEFAULT_PORT = 4001;
    public static final Duration DEFAULT_WORK_ITEM_TIMEOUT = Duration.ofMinutes(5);

    public GrpcConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("The gRPC port must be 0..65535, got " + port + ".");
        }
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(workItemTimeout, "workItemTimeout");
        if (workItemTimeout.isNegative() || workItemTimeout.isZero()) {
            throw new IllegalArgumentException("The work item timeout must be positive, got " + workItemTimeout
                    + ".");
        }
    }

    public static GrpcConfig loopback(int port) {
        return new GrpcConfig("127.0.0.1", port, List.of(), false, DEFAULT_WORK_ITEM_TIMEOUT);
    }

    public GrpcConfig withApiKeys(List<String> keys) {
        return new GrpcConfig(host, port, keys, allowInsecureBind, workItemTimeout);
    }

    public GrpcConfig withWorkItemTimeout(Duration timeout) {
        return new GrpcConfig(host, port, apiKeys, allowInsecureBind, timeout);
    }

    @Override
    public String toString() {
        return "GrpcConfig[host=" + host + ", port=" + port + ", apiKeys=" + (apiKeys.isEmpty() ? "none"
                : apiKeys.size() + " configured") + ", allowInsecureBind=" + allowInsecureBind + ", workItemTimeout="
                + workItemTimeout + "]";
    }
}
