package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    ObjectNode checkStatusPayload(String instanceId) {
        String instance = instanceUrl(instanceId);
        String q = query();
        ObjectNode node = Json.object();
        node.put("id", instanceId);
        node.put("statusQueryGetUri", instance + "?" + q);
        node.put("sendEventPostUri", instance + "/raiseEvent/{eventName}?" + q);
        node.put("terminatePostUri", instance + "/terminate?reason={text}&" + q);
        node.put("rewindPostUri", instance + "/rewind?reason={text}&" + q);
        node.put("purgeHistoryDeleteUri", instance + "?" + q);
        node.put("restartPostUri", instance + "/restart?" + q);
        node.put("suspendPostUri", instance + "/suspend?reason={text}&" + q);
        node.put("resumePostUri", instance + "/resume?reason={text}&" + q);
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
