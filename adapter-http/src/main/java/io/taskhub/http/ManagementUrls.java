package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.client.ManagementPayload;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The URLs a client follows to manage an instance: the check-status payload (HTTP-API.md §Check-status
 * response) and the durable-client binding data that Durable Functions SDKs are constructed from.
 *
 * @param origin     scheme://authority (and any path prefix) under which clients reach this server
 * @param taskHub    the task hub the links address
 * @param connection the connection name echoed in the links
 * @param code       the API key to put in the links, or null when keys are off
 */
record ManagementUrls(String origin, String taskHub, String connection, String code) {
    static final String WEBHOOK_PREFIX = "/runtime/webhooks/durabletask";
    static final String RPC_PREFIX = "/durabletask";
    static final String DEFAULT_CONNECTION = "Storage";
    /** The placeholder the binding data uses for an instance id. */
    static final String ID_PLACEHOLDER = "INSTANCEID";

    ManagementUrls {
        connection = connection == null || connection.isEmpty() ? DEFAULT_CONNECTION : connection;
    }

    String base() {
        return origin + WEBHOOK_PREFIX;
    }

    /** {@code taskHub=…&connection=…} plus {@code &code=…} when keys are on. */
    String query() {
        String query = "taskHub=" + encode(taskHub) + "&connection=" + encode(connection);
        return code == null ? query : query + "&code=" + encode(code);
    }

    String statusQueryGetUri(String instanceId) {
        return instanceUrl(instanceId) + "?" + query();
    }

    /** The check-status payload: these keys, in this order. */
    ManagementPayload payload(String instanceId) {
        String instance = instanceUrl(instanceId);
        String q = query();
        return new ManagementPayload(instanceId, instance + "?" + q, instance + "/raiseEvent/{eventName}?" + q,
                instance + "/terminate?reason={text}&" + q, instance + "/rewind?reason={text}&" + q,
                instance + "?" + q, instance + "/restart?" + q, instance + "/suspend?reason={text}&" + q,
                instance + "/resume?reason={text}&" + q);
    }

    /** The check-status response: {@link #payload} as JSON, its fields in Durable Functions' order. */
    ObjectNode checkStatusPayload(String instanceId) {
        ManagementPayload p = payload(instanceId);
        ObjectNode node = Json.object();
        node.put("id", p.id());
        node.put("statusQueryGetUri", p.statusQueryGetUri());
        node.put("sendEventPostUri", p.sendEventPostUri());
        node.put("terminatePostUri", p.terminatePostUri());
        node.put("rewindPostUri", p.rewindPostUri());
        node.put("purgeHistoryDeleteUri", p.purgeHistoryDeleteUri());
        node.put("restartPostUri", p.restartPostUri());
        node.put("suspendPostUri", p.suspendPostUri());
        node.put("resumePostUri", p.resumePostUri());
        return node;
    }

    /**
     * The data a Durable Functions host hands a client function through its durableClient binding, so SDK
     * clients (such as the durable-functions npm package) can be pointed at this server.
     */
    ObjectNode durableClientBinding() {
        String q = query();
        ObjectNode node = Json.object();
        node.put("taskHubName", taskHub);
        ObjectNode creation = node.putObject("creationUrls");
        creation.put("createNewInstancePostUri", base() + "/orchestrators/{functionName}[/{instanceId}]?" + q);
        creation.put("waitOnNewInstancePostUri", base() + "/orchestrators/{functionName}[/{instanceId}]"
                + "?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&" + q);
        node.set("managementUrls", checkStatusPayload(ID_PLACEHOLDER));
        node.put("baseUrl", base());
        node.put("requiredQueryStringParameters", code == null ? "" : "code=" + encode(code));
        node.put("rpcBaseUrl", origin + RPC_PREFIX + "/");
        return node;
    }

    private String instanceUrl(String instanceId) {
        return base() + "/instances/" + encodePathSegment(instanceId);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Percent-encodes everything but unreserved characters, so a space is %20 (not '+') in a path. */
    static String encodePathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
