package io.taskhub.ports.orchestration;

/**
 * A jar's orchestrations and activities. Implementations are discovered with {@link java.util.ServiceLoader}
 * (list them in {@code META-INF/services/io.taskhub.ports.orchestration.TaskhubPlugin}).
 */
public interface TaskhubPlugin {
    void register(TaskRegistry registry);
}
