package io.taskhub.ports.orchestration;

/** Where orchestrators and activities are registered by name (names match case-insensitively). */
public interface TaskRegistry {
    TaskRegistry addOrchestrator(String name, Orchestrator orchestrator);

    TaskRegistry addActivity(String name, Activity activity);
}
