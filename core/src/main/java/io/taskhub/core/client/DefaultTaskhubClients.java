package io.taskhub.core.client;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.model.TaskHubNames;
import io.taskhub.ports.store.StorageBackend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Clients over one storage backend, one per task hub (the default one, and any other a caller names). */
public final class DefaultTaskhubClients implements TaskhubClients {
    private final StorageBackend backend;
    private final OrchestrationRegistry registry;
    private final String defaultTaskHub;
    private final Map<String, TaskhubClient> clients = new ConcurrentHashMap<>();

    public DefaultTaskhubClients(StorageBackend backend, OrchestrationRegistry registry, String defaultTaskHub) {
        this.backend = backend;
        this.registry = registry;
        this.defaultTaskHub = TaskHubNames.validate(defaultTaskHub);
    }

    @Override
    public String defaultTaskHub() {
        return defaultTaskHub;
    }

    @Override
    public TaskhubClient forTaskHub(String taskHub) {
        String name = taskHub == null || taskHub.isEmpty() ? defaultTaskHub : TaskHubNames.validate(taskHub);
        return clients.computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT), key -> {
            var store = backend.taskHub(name);
            store.createTaskHubIfNotExists();
            return new DefaultTaskhubClient(store, registry);
        });
    }
}
