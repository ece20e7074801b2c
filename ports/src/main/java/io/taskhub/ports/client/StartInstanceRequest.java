package io.taskhub.ports.client;

import io.taskhub.ports.model.ReusePolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: orchestrator {@code name} with {@code input} (a JSON text or null), under {@code instanceId}
 * (null for a generated id), not before {@code startAt} (null: now).
 */
public record StartInstanceRequest(String name, String input, String instanceId, Instant startAt, String version,
        ReusePolicy reusePolicy, Map<String, String> tags) {

    public StartInstanceRequest {
        Objects.requireNonNull(name, "name");
        reusePolicy = reusePolicy == null ? ReusePolicy.REJECT_IF_ACTIVE : reusePolicy;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static StartInstanceRequest of(String name, String input) {
        return new StartInstanceRequest(name, input, null, null, null, null, null);
    }

    public StartInstanceRequest withInstanceId(String id) {
        return new StartInstanceRequest(name, input, id, startAt, version, reusePolicy, tags);
    }

    public StartInstanceRequest withStartAt(Instant at) {
        return new StartInstanceRequest(name, input, instanceId, at, version, reusePolicy, tags);
    }

    public StartInstanceRequest withReusePolicy(ReusePolicy policy) {
        return new StartInstanceRequest(name, input, instanceId, startAt, version, policy, tags);
    }

    public StartInstanceRequest withVersion(String value) {
        return new StartInstanceRequest(name, input, instanceId, startAt, value, reusePolicy, tags);
    }
}
