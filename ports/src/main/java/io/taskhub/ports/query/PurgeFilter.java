package io.taskhub.ports.query;

import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.SupportedTimes;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which instances a bulk purge removes: created in [{@code createdFrom}, {@code createdTo}] and in one of
 * {@code statuses}. An empty set matches nothing; {@link #anyFinishedStatus} names every finished status. Only
 * finished instances are ever purged: the client narrows the set to them.
 */
public record PurgeFilter(Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses) {
    public PurgeFilter {
        Objects.requireNonNull(createdFrom, "createdFrom");
        Objects.requireNonNull(statuses, "statuses (use PurgeFilter.anyFinishedStatus for every finished status)");
        createdFrom = SupportedTimes.clampFilter(SupportedTimes.requireFilterBound("createdFrom", createdFrom));
        createdTo = SupportedTimes.clampFilter(SupportedTimes.requireFilterBound("createdTo", createdTo));
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    /** Every finished instance created in the range, whatever its status. */
    public static PurgeFilter anyFinishedStatus(Instant createdFrom, Instant createdTo) {
        return new PurgeFilter(createdFrom, createdTo, EnumSet.copyOf(Arrays.stream(RuntimeStatus.values())
                .filter(RuntimeStatus::isTerminal).toList()));
    }

    public boolean matches(InstanceMetadata m) {
        return !m.createdAt().isBefore(createdFrom)
                && (createdTo == null || !m.createdAt().isAfter(createdTo))
                && statuses.contains(m.runtimeStatus());
    }
}
