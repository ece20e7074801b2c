package io.taskhub.cli.management;

import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.Set;

/** The filters of {@code get-instances}, the same in direct and endpoint mode. */
public record InstanceFilter(Instant createdFrom, Instant createdTo, Instant lastUpdatedFrom, Instant lastUpdatedTo,
        Set<RuntimeStatus> statuses, String instanceIdPrefix, String name, boolean showInput) {
    public InstanceFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    }
}
