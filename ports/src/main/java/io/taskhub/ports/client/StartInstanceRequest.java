package io.taskhub.ports.client;

import io.taskhub.ports.model.ReusePolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: orchestrator {@code name} with {@code input} (a JSON text or null), under {@code instanceId}
 * (null for a generated id), not before {@code startAt} (null: now). {@code traceParent}, a W3C traceparent (an HTTP
 * request's header, say), puts the instance's trace under the caller's span; null takes the current span, if any.
 */
public record StartInstanceRequest(String name, String input, String instanceId, Instant startAt, String version,
        ReusePolicy reusePolicy, Map<String, String> tags, String traceParent) {

    public StartInstanceRequest {
        Objects.requireNonNull(name, "name");
        reusePolicy = reusePolicy == null ? ReusePolicy.REJECT_IF_ACTIVE : reusePolicy;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public StartInstanceRequest(String name, String input, String instanceId, Instant startAt, String version,
            ReusePolicy reusePolicy, Map<String, String> tags) {
        this(name, input, instanceId, startAt, version, reusePolicy, tags, null);
    }

    public static StartInstanceRequest of(String name, String input) {
        return new StartInstanceRequest(name, input, null, null, null, null, null);
    }

    public StartInstanceRequest withInstanceId(String id) {
        return new StartInstanceRequest(name, input, id, startAt, version, reusePolicy, tags, traceParent);
    }

    public StartInstanceRequest withStartAt(Instant at) {
        return new StartInstanceRequest(name, input, instanceId, at, version, reusePolicy, tags, traceParent);
    }

    public StartInstanceRequest withReusePolicy(ReusePolicy policy) {
        return new StartInstanceRequest(name, input, instanceId, startAt, version, policy, tags, traceParent);
    }

    public StartInstanceRequest withVersion(String value) {
        return new StartInstanceRequest(name, input, instanceId, startAt, value, reusePolicy, tags, traceParent);
    }

    public StartInstanceRequest withTraceParent(String value) {
        return new StartInstanceRequest(name, input, instanceId, startAt, version, reusePolicy, tags, value);
    }
}
