package io.taskhub.ports.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The stored state of one orchestration instance (its current execution). Payloads ({@code input},
 * {@code output}, {@code customStatus}) are JSON texts, or null when unset.
 *
 * @param revision grows by at least one with every checkpoint; workers compare it with the revision of their
 *                 cached runtime state to know whether the cache is still current
 */
public record InstanceMetadata(
        String instanceId,
        String name,
        String version,
        String executionId,
        RuntimeStatus runtimeStatus,
        String input,
        String output,
        String customStatus,
        FailureDetails failure,
        Instant createdAt,
        Instant lastUpdatedAt,
        Instant completedAt,
        Instant scheduledStartAt,
        ParentInstance parent,
        Map<String, String> tags,
        long revision) {

    public InstanceMetadata {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(runtimeStatus, "runtimeStatus");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUpdatedAt, "lastUpdatedAt");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public String parentInstanceId() {
        return parent == null ? null : parent.instanceId();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder(String instanceId, String name, String executionId) {
        Instant now = Instant.now();
        return new Builder(new InstanceMetadata(instanceId, name, null, executionId, RuntimeStatus.Pending,
                null, null, null, null, now, now, null, null, null, Map.of(), 0));
    }

    /** Copies with changes; the record itself stays immutable. */
    public static final class Builder {
        private String instanceId;
        private String name;
        private String version;
        private String executionId;
        private RuntimeStatus runtimeStatus;
        private String input;
        private String output;
        private String customStatus;
        private FailureDetails failure;
        private Instant createdAt;
        private Instant lastUpdatedAt;
        private Instant completedAt;
        private Instant scheduledStartAt;
        private ParentInstance parent;
        private Map<String, String> tags;
        private long revision;

        private Builder(InstanceMetadata m) {
            instanceId = m.instanceId;
            name = m.name;
            version = m.version;
            executionId = m.executionId;
            runtimeStatus = m.runtimeStatus;
            input = m.input;
            output = m.output;
            customStatus = m.customStatus;
            failure = m.failure;
            createdAt = m.createdAt;
            lastUpdatedAt = m.lastUpdatedAt;
            completedAt = m.completedAt;
            scheduledStartAt = m.scheduledStartAt;
            parent = m.parent;
            tags = m.tags;
            revision = m.revision;
        }

        public Builder name(String value) { name = value; return this; }
        public Builder version(String value) { version = value; return this; }
        public Builder executionId(String value) { executionId = value; return this; }
        public Builder runtimeStatus(RuntimeStatus value) { runtimeStatus = value; return this; }
        public Builder input(String value) { input = value; return this; }
        public Builder output(String value) { output = value; return this; }
        public Builder customStatus(String value) { customStatus = value; return this; }
        public Builder failure(FailureDetails value) { failure = value; return this; }
        public Builder createdAt(Instant value) { createdAt = value; return this; }
        public Builder lastUpdatedAt(Instant value) { lastUpdatedAt = value; return this; }
        public Builder completedAt(Instant value) { completedAt = value; return this; }
        public Builder scheduledStartAt(Instant value) { scheduledStartAt = value; return this; }
        public Builder parent(ParentInstance value) { parent = value; return this; }
        public Builder tags(Map<String, String> value) { tags = value; return this; }
        public Builder revision(long value) { revision = value; return this; }

        public InstanceMetadata build() {
            return new InstanceMetadata(instanceId, name, version, executionId, runtimeStatus, input, output,
                    customStatus, failure, createdAt, lastUpdatedAt, completedAt, scheduledStartAt, parent, tags,
                    revision);
        }
    }
}
