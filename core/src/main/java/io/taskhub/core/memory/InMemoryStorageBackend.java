package io.taskhub.core.memory;

import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps task hubs in memory, one {@link InMemoryStore} per name, for fast tests; nothing survives the JVM.
 * Asking twice for one name gives the same store, so every part of a test sees the same data.
 */
public final class InMemoryStorageBackend implements StorageBackend {
    private final Clock clock;
    private final ConcurrentMap<String, InMemoryStore> taskHubs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public InMemoryStorageBackend() {
        this(Clock.systemUTC());
    }

    /** @param clock used by every task hub's store for leases and visibility, so tests can control time */
    public InMemoryStorageBackend(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public OrchestrationStore taskHub(String taskHubName) {
        if (closed) {
            throw new IllegalStateException("The in-memory storage backend is closed.");
        }
        TaskHubNames.validate(taskHubName);
        // Task hub names are case-insensitive, as in every backend.
        return taskHubs.computeIfAbsent(taskHubName.toLowerCase(java.util.Locale.ROOT), key -> new InMemoryStore(taskHubName, clock));
    }

    @Override
    public java.util.Set<String> liveTaskHubs() {
        java.util.Set<String> live = new java.util.LinkedHashSet<>();
        taskHubs.values().forEach(store -> {
            if (!store.liveWorkers().isEmpty()) {
                live.add(store.taskHubName());
            }
        });
        return live;
    }

    /** Forgets every task hub; the data lives nowhere else. */
    @Override
    public void close() {
        closed = true;
        taskHubs.clear();
    }
}
