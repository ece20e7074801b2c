package io.taskhub.runtime;

import io.taskhub.core.worker.WorkContext;
import org.slf4j.MDC;

/**
 * Puts the instance a worker thread works for into SLF4J's MDC as {@code instanceId} (with {@code executionId}, and
 * {@code function}, the orchestrator or activity), so that log patterns ({@code %X{instanceId}}) and JSON logs carry it, for the engine's
 * lines and the application's own alike.
 */
final class Slf4jWorkContext implements WorkContext {
    static final String INSTANCE_ID = "instanceId";
    static final String EXECUTION_ID = "executionId";
    static final String FUNCTION = "function";

    @Override
    public void enter(String instanceId, String executionId, String name) {
        MDC.put(INSTANCE_ID, instanceId);
        MDC.put(EXECUTION_ID, executionId);
        MDC.put(FUNCTION, name);
    }

    @Override
    public void leave() {
        MDC.remove(INSTANCE_ID);
        MDC.remove(EXECUTION_ID);
        MDC.remove(FUNCTION);
    }
}
