package io.taskhub.samples;

import io.taskhub.ports.client.ManagementPayload;
import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;

/**
 * An activity that obtains its instance's management links (Durable Functions' {@code SendInstanceInfo}
 * sample): in practice it would mail them to someone who approves or cancels; here it writes them to the log
 * and returns them, so the orchestration's output is the check-status payload. Takes no input.
 */
public final class SendInstanceInfo {
    public static final String NAME = "SendInstanceInfo";
    public static final String ACTIVITY = "SendInstanceInfo_SendLinks";

    private static final System.Logger LOG = System.getLogger(SendInstanceInfo.class.getName());

    private SendInstanceInfo() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, SendInstanceInfo::run);
        registry.addActivity(ACTIVITY, SendInstanceInfo::sendLinks);
    }

    static ManagementPayload run(OrchestrationContext ctx) {
        return ctx.callActivity(ACTIVITY, null, ManagementPayload.class).await();
    }

    static ManagementPayload sendLinks(ActivityContext ctx) {
        ManagementPayload links = ctx.instanceManagementPayload();
        LOG.log(System.Logger.Level.INFO, "Instance " + ctx.instanceId() + " is managed at "
                + links.statusQueryGetUri());
        return links;
    }
}
