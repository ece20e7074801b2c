package io.taskhub.ports.query;

import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.SupportedTimes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which instances a bulk purge removes: created in [{@code createdFrom}, {@code createdTo}] and in one of
 * {@code statuses}. Only terminal statuses are ever purged; the client narrows the set accordingly.
 */
public record PurgeFilter(Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses) {
    public PurgeFilter {
        Objects.requireNonNull(createdFrom, "createdFrom");
        createdFrom = SupportedTimes.clampFilter(SupportedTimes.requireFilterBound("createdFrom", createdFrom));
        createdTo = SupportedTimes.clampFilter(SupportedTimes.requireFilterBound("createdTo", createdTo));
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    public boolean matches(InstanceMetadata m) {
        return !m.createdAt().isBefore(createdFrom)
                && (createdTo == null || !m.createdAt().isAfter(createdTo))
                && statuses.contains(m.runtimeStatus());
    }
}
