package io.taskhub.ports.store;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Writes finished instances in bulk, set by set, without running them: the stored state that a benchmark measures
 * queries and purges against (a list over a million instances, a purge of a hundred thousand with their history).
 * It is not a path of the engine: what it writes never ran, so nothing checks it beyond the storage's own
 * constraints, and it must only be pointed at a task hub made for the purpose.
 */
public interface BulkLoader {
    /**
     * Instance {@code i} of {@code count}: id {@code idPrefix} followed by {@code i} in 8 digits, name
     * {@code names[i % names.size()]}, status {@code statuses[i % statuses.size()]} (each a terminal status),
     * created {@code i} milliseconds after {@code createdFrom} and finished one second after its creation,
     * output the JSON number {@code i}, and the same {@code history} events as every other instance.
     */
    record FinishedInstances(String idPrefix, int count, List<String> names, List<RuntimeStatus> statuses,
            Instant createdFrom, List<HistoryEvent> history) {
        /** Instances are numbered in 8 digits. */
        public static final int MAX_COUNT = 100_000_000;

        public FinishedInstances {
            Objects.requireNonNull(idPrefix, "idPrefix");
            Objects.requireNonNull(createdFrom, "createdFrom");
            names = List.copyOf(names);
            statuses = List.copyOf(statuses);
            history = List.copyOf(history);
            if (count < 0 || count > MAX_COUNT || names.isEmpty() || statuses.isEmpty()) {
                throw new IllegalArgumentException("A bulk load needs a count from 0 to " + MAX_COUNT
                        + " (ids have 8 digits), a name and a status.");
            }
            if (statuses.stream().anyMatch(s -> !s.isTerminal())) {
                throw new IllegalArgumentException("A bulk load writes finished instances only, not " + statuses);
            }
        }

        /** The id of instance {@code i}. */
        public String id(int i) {
            return idPrefix + String.format("%08d", i);
        }
    }

    /**
     * Writes the instances into {@code taskHub} in batches, each batch one transaction; an instance whose id is
     * taken fails the batch it is in.
     */
    void load(String taskHub, FinishedInstances instances);
}
