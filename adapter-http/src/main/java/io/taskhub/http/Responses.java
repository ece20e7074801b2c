package io.taskhub.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;

/** Writing responses: JSON bodies, the check-status response, the get-status response. */
final class Responses {
    static final String JSON = "application/json; charset=utf-8";
    static final String RETRY_AFTER = "Retry-After";

    private Responses() {
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON).result(Json.write(body));
    }

    static void empty(Context ctx, int status) {
        ctx.status(status).result("");
    }

    /** 202 with links to manage the instance; {@code Location} is its status URL. */
    static void checkStatus(Context ctx, ManagementUrls urls, String instanceId) {
        ctx.header("Location", urls.statusQueryGetUri(instanceId));
        ctx.header(RETRY_AFTER, "10");
        json(ctx, 202, urls.checkStatusPayload(instanceId));
    }

    /**
     * The get-status answer: 202 (with {@code Location} = {@code selfUrl}, this request's URL) while the instance
     * is active, 500 for Failed when the caller asked for it, else 200.
     */
    static void status(Context ctx, InstanceStatus status, StatusOptions options, boolean serverErrorOnFailure,
            String selfUrl) {
        InstanceMetadata m = status.metadata();
        RuntimeStatus runtimeStatus = m.runtimeStatus();
        int code = 200;
        if (!runtimeStatus.isTerminal()) {
            code = 202;
            ctx.header("Location", selfUrl);
            ctx.header(RETRY_AFTER, "5");
        } else if (runtimeStatus == RuntimeStatus.Failed && serverErrorOnFailure) {
            code = 500;
        }
        json(ctx, code, StatusJson.render(m, status.history(), options.showHistoryOutput(), options.showInput()));
    }
}
