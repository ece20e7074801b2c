package io.taskhub.samples;

import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;

/**
 * Sub-orchestration: starts {@value Approval#NAME} as a child with instance id {@code <parent id>:child},
 * passing its own input through unchanged, and returns the child's output.
 */
public final class ParentWithChild {
    public static final String NAME = "ParentWithChild";
    public static final String CHILD_ID_SUFFIX = ":child";

    private ParentWithChild() {
    }

    /** The child instance id for a parent instance. */
    public static String childId(String parentInstanceId) {
        return parentInstanceId + CHILD_ID_SUFFIX;
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, ParentWithChild::run);
    }

    static Object run(OrchestrationContext ctx) {
        // Read as a plain JSON value so the child receives the same JSON, whatever its shape.
        Object input = ctx.getInput(Object.class);
        return ctx.callSubOrchestrator(Approval.NAME, input, childId(ctx.instanceId()), Object.class).await();
    }
}
