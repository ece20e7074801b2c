package io.taskhub.ports.client;

/**
 * The links that manage one instance over the HTTP API: the same object as the check-status response of
 * Durable Functions (its JSON field names are these component names). URI templates keep their placeholders
 * ({@code {eventName}}, {@code {text}}).
 */
public record ManagementPayload(String id, String statusQueryGetUri, String sendEventPostUri,
        String terminatePostUri, String rewindPostUri, String purgeHistoryDeleteUri, String restartPostUri,
        String suspendPostUri, String resumePostUri) {
}
