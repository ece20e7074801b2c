package io.taskhub.http;

import io.javalin.http.Context;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** What every handler needs from a request: its task hub's client, its key, its body and its link base. */
final class RequestSupport {
    static final String KEY_HEADER = "x-functions-key";
    static final String KEY_QUERY = "code";

    private final TaskhubClients clients;
    private final HttpConfig config;
    private final ApiKeys keys;

    RequestSupport(TaskhubClients clients, HttpConfig config, ApiKeys keys) {
        this.clients = clients;
        this.config = config;
        this.keys = keys;
    }

    /** Runs before every route: API key, then the declared body size. */
    void screen(Context ctx) {
        if (keys.required() && !keys.accepts(presentedKey(ctx))) {
            throw new HttpRejection.Unauthorized(presentedKey(ctx) == null
                    ? "An API key is required: pass it as the 'code' query parameter or the x-functions-key header."
                    : "The API key is not valid.");
        }
        if (ctx.req().getContentLengthLong() > config.maxRequestBytes()) {
            throw new HttpRejection.BodyTooLarge(config.maxRequestBytes());
        }
    }

    private static String presentedKey(Context ctx) {
        String key = ctx.queryParam(KEY_QUERY);
        return key != null && !key.isEmpty() ? key : ctx.header(KEY_HEADER);
    }

    /** The client of the task hub named by the {@code taskHub} query parameter, or the default one. */
    TaskhubClient client(Context ctx) {
        return clients.forTaskHub(QueryParams.text(ctx, "taskHub"));
    }

    /** Links for this request: its own scheme and authority, task hub, connection and key. */
    ManagementUrls urls(Context ctx, TaskhubClient client) {
        String code = keys.required() ? presentedKey(ctx) : null;
        return new ManagementUrls(ctx.scheme() + "://" + ctx.host(), client.taskHub(),
                QueryParams.text(ctx, "connection"), code);
    }

    /** Links for use outside a request, under the configured public URL. */
    ManagementUrls urls(String taskHub, String origin) {
        return new ManagementUrls(origin, taskHub, null, keys.linkKey());
    }

    /**
     * The request body as UTF-8 text, or null when empty or blank; never reads more than the configured limit
     * (bodies sent without a length are cut off there and refused).
     */
    String body(Context ctx) {
        long limit = config.maxRequestBytes();
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the request body", e);
        }
        if (bytes.length > limit) {
            throw new HttpRejection.BodyTooLarge(limit);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return text.isBlank() ? null : text;
    }
}
