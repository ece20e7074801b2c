package io.taskhub.ports.query;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.StorableText;
import io.taskhub.ports.rules.SupportedTimes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * A filter over a task hub's instances plus paging. Every field is optional (null or empty = no filter).
 * Results are ordered by created time, then instance id; {@code continuationToken} is the opaque token a
 * previous page returned.
 *
 * @param customStatusPrefix matches instances whose custom status JSON text starts with this text
 */
public record InstanceQuery(
        Instant createdFrom,
        Instant createdTo,
        Set<RuntimeStatus> statuses,
        String instanceIdPrefix,
        String name,
        Instant lastUpdatedFrom,
        Instant lastUpdatedTo,
        String parentInstanceId,
        String customStatusPrefix,
        boolean fetchInputsAndOutputs,
        int pageSize,
        String continuationToken) {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    public InstanceQuery {
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        createdFrom = filterBound("createdFrom", createdFrom);
        createdTo = filterBound("createdTo", createdTo);
        lastUpdatedFrom = filterBound("lastUpdatedFrom", lastUpdatedFrom);
        lastUpdatedTo = filterBound("lastUpdatedTo", lastUpdatedTo);
        StorableText.require("instanceIdPrefix", instanceIdPrefix);
        StorableText.require("name", name);
        StorableText.require("parentInstanceId", parentInstanceId);
        StorableText.require("customStatusPrefix", customStatusPrefix);
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("Page size " + pageSize + " is out of range; use 1 to "
                    + MAX_PAGE_SIZE + ".");
        }
    }

    /** Checked against the accepted range, then narrowed to what can be stored (the same instances match). */
    private static Instant filterBound(String what, Instant value) {
        return SupportedTimes.clampFilter(SupportedTimes.requireFilterBound(what, value));
    }

    public static InstanceQuery all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().createdFrom(createdFrom).createdTo(createdTo).statuses(statuses)
                .instanceIdPrefix(instanceIdPrefix).name(name).lastUpdatedFrom(lastUpdatedFrom)
                .lastUpdatedTo(lastUpdatedTo).parentInstanceId(parentInstanceId)
                .customStatusPrefix(customStatusPrefix).fetchInputsAndOutputs(fetchInputsAndOutputs)
                .pageSize(pageSize).continuationToken(continuationToken);
    }

    /** Whether an instance passes every filter of this query (paging aside). */
    public boolean matches(InstanceMetadata m) {
        return (createdFrom == null || !m.createdAt().isBefore(createdFrom))
                && (createdTo == null || !m.createdAt().isAfter(createdTo))
                && (statuses.isEmpty() || statuses.contains(m.runtimeStatus()))
                && (instanceIdPrefix == null || m.instanceId().startsWith(instanceIdPrefix))
                && (name == null || m.name().equals(name))
                && (lastUpdatedFrom == null || !m.lastUpdatedAt().isBefore(lastUpdatedFrom))
                && (lastUpdatedTo == null || !m.lastUpdatedAt().isAfter(lastUpdatedTo))
                && (parentInstanceId == null || parentInstanceId.equals(m.parentInstanceId()))
                && (customStatusPrefix == null
                        || (m.customStatus() != null && m.customStatus().startsWith(customStatusPrefix)));
    }

    public static final class Builder {
        private Instant createdFrom;
        private Instant createdTo;
        private Set<RuntimeStatus> statuses = Set.of();
        private String instanceIdPrefix;
        private String name;
        private Instant lastUpdatedFrom;
        private Instant lastUpdatedTo;
        private String parentInstanceId;
        private String customStatusPrefix;
        private boolean fetchInputsAndOutputs = true;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private String continuationToken;

        public Builder createdFrom(Instant value) { createdFrom = value; return this; }
        public Builder createdTo(Instant value) { createdTo = value; return this; }
        public Builder statuses(Set<RuntimeStatus> value) { statuses = value; return this; }
        public Builder statuses(RuntimeStatus... value) { statuses = Set.of(value); return this; }
        public Builder instanceIdPrefix(String value) { instanceIdPrefix = emptyToNull(value); return this; }
        public Builder name(String value) { name = emptyToNull(value); return this; }
        public Builder lastUpdatedFrom(Instant value) { lastUpdatedFrom = value; return this; }
        public Builder lastUpdatedTo(Instant value) { lastUpdatedTo = value; return this; }
        public Builder parentInstanceId(String value) { parentInstanceId = emptyToNull(value); return this; }
        public Builder customStatusPrefix(String value) { customStatusPrefix = emptyToNull(value); return this; }
        public Builder fetchInputsAndOutputs(boolean value) { fetchInputsAndOutputs = value; return this; }
        public Builder pageSize(int value) { pageSize = value; return this; }
        public Builder continuationToken(String value) { continuationToken = emptyToNull(value); return this; }

        public InstanceQuery build() {
            return new InstanceQuery(createdFrom, createdTo, statuses, instanceIdPrefix, name, lastUpdatedFrom,
                    lastUpdatedTo, parentInstanceId, customStatusPrefix, fetchInputsAndOutputs, pageSize,
                    continuationToken);
        }

        private static String emptyToNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
