package io.taskhub.ports.client;

/** Makes the management links of instances, for code that runs outside an HTTP request (an activity, say). */
public interface ManagementLinks {
    /**
     * @throws IllegalStateException when there is no address to link to (no public URL configured and no HTTP
     *                               API served by this process)
     */
    ManagementPayload payload(String taskHub, String instanceId);

    /** For deployments without an HTTP address: every call says so. */
    ManagementLinks NONE = (taskHub, instanceId) -> {
        throw new IllegalStateException("There is no HTTP address to link to: set http.publicBaseUrl, or serve the"
                + " HTTP API from this process (http.enabled=true, or taskhub serve).");
    };
}
