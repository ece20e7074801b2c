package io.taskhub.core.registry;

import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which names the task hub's live workers run, from their announcements ({@link OrchestrationStore#liveWorkers()}),
 * read again at most every couple of seconds. Tells what an instance waits on that no live worker runs: the one
 * rule behind the status's "no worker runs X" and the worker's {@code unknownNameTimeout}.
 */
public final class WorkerDirectory {
    private static final long FRESH_FOR_NANOS = Duration.ofSeconds(2).toNanos();

    private final OrchestrationStore store;
    private volatile Snapshot snapshot;

    private record Snapshot(List<WorkerRegistration> workers, long readAt) {
    }

    public WorkerDirectory(OrchestrationStore store) {
        this.store = store;
    }

    /** The live workers (as read at most a couple of seconds ago). */
    public List<WorkerRegistration> live() {
        Snapshot current = snapshot;
        long now = System.nanoTime();
        if (current == null || now - current.readAt() > FRESH_FOR_NANOS) {
            current = new Snapshot(List.copyOf(store.liveWorkers()), now);
            snapshot = current;
        }
        return current.workers();
    }

    public boolean runsOrchestrator(String name) {
        return live().stream().anyMatch(w -> w.runsOrchestrator(name));
    }

    /**
     * The spelling a live worker registered orchestrator {@code name} with (names match case-insensitively); the
     * name as given when only a worker that runs any name (see {@link WorkerRegistration#ANY_NAME}) would take it.
     */
    public Optional<String> canonicalOrchestratorName(String name) {
        NameFilter wanted = NameFilter.only(List.of(name));
        Optional<String> registered = live().stream().flatMap(w -> w.orchestrators().stream()).filter(wanted::accepts)
                .findFirst();
        return registered.isPresent() || !runsOrchestrator(name) ? registered : Optional.of(name);
    }

    public boolean runsActivity(String name) {
        return live().stream().anyMatch(w -> w.runsActivity(name));
    }

    /**
     * What {@code instance} waits on that no live worker runs: its orchestrator, while it has not finished, and the
     * activities it awaits according to {@code history} (its current execution's; null when not read). Empty for a
     * finished instance.
     */
    public List<FunctionCatalog.Function> unserved(InstanceMetadata instance, List<HistoryEvent> history) {
        if (instance.runtimeStatus().isTerminal()) {
            return List.of();
        }
        List<FunctionCatalog.Function> missing = new ArrayList<>();
        if (!runsOrchestrator(instance.name())) {
            missing.add(new FunctionCatalog.Function(FunctionCatalog.Kind.ORCHESTRATOR, instance.name(), null));
        }
        for (String activity : awaitedActivities(history)) {
            if (!runsActivity(activity)) {
                missing.add(new FunctionCatalog.Function(FunctionCatalog.Kind.ACTIVITY, activity, null));
            }
        }
        return missing;
    }

    /** The names of the activities scheduled in {@code history} whose result has not arrived, each once. */
    static Set<String> awaitedActivities(List<HistoryEvent> history) {
        if (history == null) {
            return Set.of();
        }
        Map<Integer, String> awaited = new LinkedHashMap<>();
        for (HistoryEvent event : history) {
            if (event instanceof TaskScheduled scheduled) {
                awaited.put(scheduled.taskId(), scheduled.name());
            } else if (event instanceof TaskCompleted completed) {
                awaited.remove(completed.taskId());
            } else if (event instanceof TaskFailed failed) {
                awaited.remove(failed.taskId());
            }
        }
        return new LinkedHashSet<>(awaited.values());
    }
}
