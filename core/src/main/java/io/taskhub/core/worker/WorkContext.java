package io.taskhub.core.worker;

/**
 * Tells the host which instance a worker thread is working on, so that every log line written meanwhile (the
 * engine's and the orchestration's or activity's own) can carry the instance id. The runtime puts it into SLF4J's
 * MDC; core itself knows no logging framework.
 */
public interface WorkContext {
    /**
     * This thread now works for execution {@code executionId} of instance {@code instanceId}, running orchestrator
     * or activity {@code name}.
     */
    void enter(String instanceId, String executionId, String name);

    /** This thread's work item is done. */
    void leave();

    /** No context: nothing is recorded. */
    WorkContext NONE = new WorkContext() {
        @Override
        public void enter(String instanceId, String executionId, String name) {
        }

        @Override
        public void leave() {
        }
    };
}
