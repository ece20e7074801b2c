package io.taskhub.core.registry;

import io.taskhub.ports.orchestration.Activity;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Orchestrators and activities by name (case-insensitive, as in Durable Functions). */
public final class OrchestrationRegistry implements TaskRegistry {
    private final Map<String, Named<Orchestrator>> orchestrators = new ConcurrentHashMap<>();
    private final Map<String, Named<Activity>> activities = new ConcurrentHashMap<>();

    private record Named<T>(String name, T value) {
    }

    /** A registry with every {@link TaskhubPlugin} found on the class path. */
    public static OrchestrationRegistry fromClassPath(ClassLoader loader) {
        OrchestrationRegistry registry = new OrchestrationRegistry();
        for (TaskhubPlugin plugin : ServiceLoader.load(TaskhubPlugin.class, loader)) {
            plugin.register(registry);
        }
        return registry;
    }

    @Override
    public OrchestrationRegistry addOrchestrator(String name, Orchestrator orchestrator) {
        put(orchestrators, "orchestrator", name, orchestrator);
        return this;
    }

    @Override
    public OrchestrationRegistry addActivity(String name, Activity activity) {
        put(activities, "activity", name, activity);
        return this;
    }

    private static <T> void put(Map<String, Named<T>> map, String kind, String name, T value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An " + kind + " needs a non-blank name.");
        }
        Named<T> previous = map.putIfAbsent(key(name), new Named<>(name, value));
        if (previous != null) {
            throw new IllegalArgumentException("An " + kind + " named '" + previous.name() + "' is already registered.");
        }
    }

    public Optional<Orchestrator> orchestrator(String name) {
        return Optional.ofNullable(orchestrators.get(key(name))).map(Named::value);
    }

    public Optional<Activity> activity(String name) {
        return Optional.ofNullable(activities.get(key(name))).map(Named::value);
    }

    /** The registered name as spelled at registration, if any. */
    public Optional<String> canonicalOrchestratorName(String name) {
        return Optional.ofNullable(orchestrators.get(key(name))).map(Named::name);
    }

    public Set<String> orchestratorNames() {
        Set<String> names = new TreeSet<>();
        orchestrators.values().forEach(n -> names.add(n.name()));
        return names;
    }

    public Set<String> activityNames() {
        Set<String> names = new TreeSet<>();
        activities.values().forEach(n -> names.add(n.name()));
        return names;
    }

    private static String key(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }
}
