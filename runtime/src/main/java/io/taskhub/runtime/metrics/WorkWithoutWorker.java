package io.taskhub.runtime.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.ports.store.Backlog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rows of {@code taskhub_work_without_worker}: waiting work whose name no live worker announced. */
final class WorkWithoutWorker {
    private WorkWithoutWorker() {
    }

    static List<MultiGauge.Row<?>> rows(Optional<Backlog> backlog, WorkerDirectory workers) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (backlog.isEmpty()) {
            return rows;
        }
        for (Map.Entry<String, Long> waiting : backlog.get().messagesByOrchestrator().entrySet()) {
            if (!workers.runsOrchestrator(waiting.getKey())) {
                rows.add(MultiGauge.Row.of(Tags.of("kind", "orchestration", "name", waiting.getKey()),
                        waiting.getValue()));
            }
        }
        for (Map.Entry<String, Long> waiting : backlog.get().tasksByActivity().entrySet()) {
            if (!workers.runsActivity(waiting.getKey())) {
                rows.add(MultiGauge.Row.of(Tags.of("kind", "activity", "name", waiting.getKey()), waiting.getValue()));
            }
        }
        return rows;
    }
}
