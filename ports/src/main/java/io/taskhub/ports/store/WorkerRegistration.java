package io.taskhub.ports.store;

import io.taskhub.ports.json.JsonCodec;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A running worker's announcement of what it runs, renewed while it lives: how a task hub knows that work for a
 * name no live worker runs is waiting for a worker rather than making progress.
 *
 * @param workerId      the worker's id (unique per running worker)
 * @param orchestrators the orchestrator names it runs
 * @param activities    the activity names it runs
 * @param expiresAt     when the announcement lapses unless renewed (a worker that crashed drops out then)
 */
public record WorkerRegistration(String workerId, Set<String> orchestrators, Set<String> activities,
        Instant expiresAt) {
    public WorkerRegistration {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        orchestrators = Set.copyOf(new TreeSet<>(orchestrators));
        activities = Set.copyOf(new TreeSet<>(activities));
    }

    /** A set of names as stored by the backends: a JSON array of strings. */
    public static String encodeNames(Set<String> names) {
        return JsonCodec.write(new TreeSet<>(names));
    }

    /** The names stored by {@link #encodeNames}. */
    public static Set<String> decodeNames(String json) {
        return Set.of(JsonCodec.read(json, String[].class));
    }

    /**
     * The name a worker announces when it runs any name: one that passes work it lacks to remote workers (the Durable
     * Task protocol's workers do not say which names they run).
     */
    public static final String ANY_NAME = "*";

    /** Whether it runs orchestrator {@code name} (names match case-insensitively, as registrations do). */
    public boolean runsOrchestrator(String name) {
        return orchestrators.contains(ANY_NAME) || NameFilter.only(orchestrators).accepts(name);
    }

    /** Whether it runs activity {@code name}. */
    public boolean runsActivity(String name) {
        return activities.contains(ANY_NAME) || NameFilter.only(activities).accepts(name);
    }

    /** Whether it runs every name (see {@link #ANY_NAME}). */
    public boolean runsAnyName() {
        return orchestrators.contains(ANY_NAME) && activities.contains(ANY_NAME);
    }
}
