package io.taskhub.core.memory;

import io.taskhub.ports.rules.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Listing and counting instances: filters, the (created time, instance id) order and keyset paging. */
final class InstanceQueries {
    static final Comparator<InstanceMetadata> ORDER =
            Comparator.comparing(InstanceMetadata::createdAt).thenComparing(InstanceMetadata::instanceId);

    private InstanceQueries() {
    }

    static InstancePage page(Collection<StoredInstance> all, InstanceQuery query) {
        // Decoded first so that a malformed token is reported even when nothing matches.
        ContinuationTokens.Key after = query.continuationToken() == null
                ? null : ContinuationTokens.decode(query.continuationToken());
        List<InstanceMetadata> matching = all.stream()
                .map(r -> r.metadata)
                .filter(query::matches)
                .filter(m -> after == null || after.isBefore(m))
                .sorted(ORDER)
                .toList();
        List<InstanceMetadata> page = matching.subList(0, Math.min(query.pageSize(), matching.size())).stream()
                .map(m -> query.fetchInputsAndOutputs() ? m : withoutPayloads(m))
                .toList();
        String next = matching.size() > page.size() ? ContinuationTokens.encode(page.get(page.size() - 1)) : null;
        return new InstancePage(page, next);
    }

    /** Only statuses that at least one matching instance has appear in the result. */
    static Map<RuntimeStatus, Long> count(Collection<StoredInstance> all, InstanceQuery query) {
        Map<RuntimeStatus, Long> counts = new EnumMap<>(RuntimeStatus.class);
        for (StoredInstance r : all) {
            if (query.matches(r.metadata)) {
                counts.merge(r.metadata.runtimeStatus(), 1L, Long::sum);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    private static InstanceMetadata withoutPayloads(InstanceMetadata m) {
        return m.toBuilder().input(null).output(null).customStatus(null).build();
    }
}
