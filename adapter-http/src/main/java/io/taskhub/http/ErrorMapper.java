package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.taskhub.ports.errors.BatchStartException;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP statuses and error bodies (HTTP-API.md §Errors): a JSON object
 * with {@code Message}, plus {@code ExceptionMessage} and {@code ExceptionType} when there is a cause to show.
 * Never a stack trace: unexpected faults are logged here and answered 500 with a generic message.
 */
final class ErrorMapper {
    static final String BAD_ARGUMENTS = "One or more of the arguments submitted is incorrect";
    static final String INVALID_JSON = "Invalid JSON content";
    /** Structured details for clients that type errors (io.taskhub.client), never parsed from a message. */
    static final String EXCEPTION_TYPE = "ExceptionType";
    static final String RUNTIME_STATUS = "RuntimeStatus";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    void handle(Exception error, Context ctx) {
        if (error instanceof HttpRejection rejection) {
            rejected(rejection, ctx);
        } else if (error instanceof BatchStartException e) {
            ObjectNode body = message(e.getMessage());
            body.set("Errors", StatusDocuments.startOutcomes(e.outcomes()));
            Responses.json(ctx, 400, body);
        } else if (error instanceof InvalidArgumentException e) {
            invalidArgument(e, ctx);
        } else if (error instanceof UnknownTaskHubException e) {
            Responses.json(ctx, 404, message(e.getMessage()).put(EXCEPTION_TYPE, e.getClass().getName()));
        } else if (error instanceof InstanceNotFoundException) {
            Responses.empty(ctx, 404);
        } else if (error instanceof InstanceAlreadyExistsException e) {
            Responses.json(ctx, 409, message(e.getMessage()).put(RUNTIME_STATUS, e.status().name())
                    .put(EXCEPTION_TYPE, e.getClass().getName()));
        } else if (error instanceof IllegalInstanceStateException e) {
            switch (e.refusal()) {
                case GONE -> Responses.empty(ctx, 410);
                case CONFLICT -> Responses.json(ctx, 409, message(e.getMessage())
                        .put(RUNTIME_STATUS, e.status().name()).put(EXCEPTION_TYPE, e.getClass().getName()));
                // Empty like 404 and 410: SDK clients (the npm one) show the body as their error message and
                // fall back to their own text only when there is none.
                case PRECONDITION_FAILED -> Responses.empty(ctx, 412);
            }
        } else if (error instanceof StartTimeoutException e) {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header(Responses.RETRY_AFTER, "5");
            Responses.json(ctx, 503, message(e.getMessage()).put(EXCEPTION_TYPE, e.getClass().getName())
                    .put("InstanceId", e.instanceId()));
        } else if (error instanceof StorageException e) {
            LOG.warn("Storage failure while serving {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header(Responses.RETRY_AFTER, "5");
            Responses.json(ctx, 503, message("The storage backend is unavailable; retry later."));
        } else if (error instanceof HttpResponseException e) {
            // Javalin's own answers, such as 404 for a path or method no route serves.
            Responses.json(ctx, e.getStatus(), message(e.getMessage()));
        } else {
            LOG.error("Unexpected failure while serving {} {}", ctx.method(), ctx.path(), error);
            Responses.json(ctx, 500, message("An internal error occurred; the server log has the details."));
        }
    }

    private static void rejected(HttpRejection rejection, Context ctx) {
        if (rejection instanceof HttpRejection.UnreadableBody || rejection instanceof HttpRejection.RequestTimeout) {
            // The client's doing (or its network's): one line, no stack, and it is often gone already.
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), rejection.getMessage());
        }
        if (rejection instanceof HttpRejection.BadRequest || rejection instanceof HttpRejection.UnreadableBody) {
            Responses.json(ctx, 400, message(rejection.getMessage()));
        } else if (rejection instanceof HttpRejection.MissingParameter) {
            Responses.json(ctx, 400, TextNode.valueOf(rejection.getMessage()));
        } else if (rejection instanceof HttpRejection.Unauthorized) {
            Responses.json(ctx, 401, message(rejection.getMessage()));
        } else if (rejection instanceof HttpRejection.BodyTooLarge) {
            Responses.json(ctx, 413, message(rejection.getMessage()));
        } else if (rejection instanceof HttpRejection.UnsupportedMediaType) {
            Responses.json(ctx, 415, message(rejection.getMessage()));
        } else if (rejection instanceof HttpRejection.RequestTimeout) {
            ctx.header("Connection", "close");
            Responses.json(ctx, 408, message(rejection.getMessage()));
        }
    }

    /** Invalid JSON keeps Durable Functions' message; other bad arguments carry Taskhub's precise one. */
    private static void invalidArgument(InvalidArgumentException e, Context ctx) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (text.startsWith(INVALID_JSON)) {
            String detail = text.substring(INVALID_JSON.length()).replaceFirst("^[:\\s]+", "");
            Throwable cause = e.getCause() == null ? e : e.getCause();
            Responses.json(ctx, 400, message(INVALID_JSON, detail, cause.getClass().getName()));
        } else {
            Responses.json(ctx, 400, message(BAD_ARGUMENTS, text, e.getClass().getName()));
        }
    }

    static ObjectNode message(String message) {
        ObjectNode body = Json.object();
        body.put("Message", message);
        return body;
    }

    static ObjectNode message(String message, String exceptionMessage, String exceptionType) {
        ObjectNode body = message(message);
        body.put("ExceptionMessage", exceptionMessage);
        body.put("ExceptionType", exceptionType);
        return body;
    }
}
