package io.taskhub.core.client;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.errors.UnknownTaskHubException;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.StorageBackend;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients over one storage backend, one per task hub (the default one, and any other a caller names).
 *
 * <p>Task hub names are case-insensitive: {@code huba} and {@code HubA} are one hub. A deployment that lists
 * the hubs it serves ({@link #servingOnly}) serves those and the hubs that live workers run, and refuses every
 * other name, so that nobody starts instances that no worker will ever run; it reports each hub in the spelling it
 * was listed with, or that its workers announced it with.
 */
public final class DefaultTaskhubClients implements TaskhubClients {
    private final StorageBackend backend;
    private final OrchestrationRegistry registry;
    private final String defaultTaskHub;
    /** Lower-case key to the listed spelling; null when any valid name is served. */
    private final Map<String, String> servedTaskHubs;
    private final Duration startTimeout;
    private final EngineTracing tracing;
    private final Map<String, TaskhubClient> clients = new ConcurrentHashMap<>();
    private static final long LIVE_HUBS_FRESH_FOR_NANOS = Duration.ofSeconds(2).toNanos();
    private volatile LiveHubs liveHubs;

    /** Clients for any task hub a caller names. */
    public DefaultTaskhubClients(StorageBackend backend, OrchestrationRegistry registry, String defaultTaskHub) {
        this(backend, registry, defaultTaskHub, null, DefaultTaskhubClient.DEFAULT_START_TIMEOUT,
                EngineTracing.NONE);
    }

    private DefaultTaskhubClients(StorageBackend backend, OrchestrationRegistry registry, String defaultTaskHub,
            Map<String, String> servedTaskHubs, Duration startTimeout, EngineTracing tracing) {
        this.backend = backend;
        this.registry = registry;
        this.defaultTaskHub = TaskHubNames.validate(defaultTaskHub);
        this.servedTaskHubs = servedTaskHubs;
        this.startTimeout = startTimeout;
        this.tracing = tracing;
    }

    /** The same clients, whose starts wait at most {@code timeout} for the storage (see DefaultTaskhubClient). */
    public DefaultTaskhubClients withStartTimeout(Duration timeout) {
        return new DefaultTaskhubClients(backend, registry, defaultTaskHub, servedTaskHubs, timeout, tracing);
    }

    /** The same clients, whose starts open their instances' traces with {@code target}. */
    public DefaultTaskhubClients withTracing(EngineTracing target) {
        return new DefaultTaskhubClients(backend, registry, defaultTaskHub, servedTaskHubs, startTimeout,
                java.util.Objects.requireNonNull(target, "target"));
    }

    /**
     * Clients for the default task hub, {@code others}, and the hubs that live workers run
     * ({@link StorageBackend#liveTaskHubs()}); any other name is refused with {@link UnknownTaskHubException}.
     */
    public static DefaultTaskhubClients servingOnly(StorageBackend backend, OrchestrationRegistry registry,
            String defaultTaskHub, Collection<String> others) {
        Map<String, String> served = new LinkedHashMap<>();
        served.put(key(TaskHubNames.validate(defaultTaskHub)), defaultTaskHub);
        for (String hub : others) {
            served.putIfAbsent(key(TaskHubNames.validate(hub)), hub);
        }
        return new DefaultTaskhubClients(backend, registry, defaultTaskHub, Collections.unmodifiableMap(served),
                DefaultTaskhubClient.DEFAULT_START_TIMEOUT, EngineTracing.NONE);
    }

    @Override
    public String defaultTaskHub() {
        return defaultTaskHub;
    }

    @Override
    public TaskhubClient forTaskHub(String taskHub) {
        String name = taskHub == null || taskHub.isEmpty() ? defaultTaskHub : TaskHubNames.validate(taskHub);
        String key = key(name);
        if (servedTaskHubs != null) {
            String listed = servedTaskHubs.get(key);
            name = listed != null ? listed : liveTaskHubs().get(key);
            if (name == null) {
                throw new UnknownTaskHubException(taskHub, "Task hub '" + taskHub + "' is not served here; this"
                        + " server serves " + String.join(", ", servedTaskHubs.values()) + " and any task hub a live"
                        + " worker runs (task hub names are case-insensitive; the setting http.taskHubs lists the"
                        + " hubs served).");
            }
        }
        String spelling = name;
        return clients.computeIfAbsent(key, k -> {
            var store = backend.taskHub(spelling);
            store.createTaskHubIfNotExists();
            return new DefaultTaskhubClient(store, registry, startTimeout).traceTo(tracing.forTaskHub(spelling));
        });
    }

    /**
     * The hubs live workers run, by key, spelled as the workers spell them: read from the storage at most every
     * couple of seconds, so that asking for hubs that do not exist costs one query now and then, not one each.
     */
    private Map<String, String> liveTaskHubs() {
        LiveHubs current = liveHubs;
        long now = System.nanoTime();
        if (current == null || now - current.readAt() > LIVE_HUBS_FRESH_FOR_NANOS) {
            Map<String, String> byKey = new LinkedHashMap<>();
            backend.liveTaskHubs().forEach(hub -> byKey.putIfAbsent(key(hub), hub));
            current = new LiveHubs(Collections.unmodifiableMap(byKey), now);
            liveHubs = current;
        }
        return current.byKey();
    }

    private record LiveHubs(Map<String, String> byKey, long readAt) {
    }

    private static String key(String taskHub) {
        return taskHub.toLowerCase(Locale.ROOT);
    }
}
