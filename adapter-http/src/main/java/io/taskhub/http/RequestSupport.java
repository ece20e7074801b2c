package io.taskhub.http;

import io.javalin.http.Context;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.security.ApiKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

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

    /** Runs before every route but the dashboard's own files: API key, then the declared body size and charset. */
    void screen(Context ctx) {
        if (Dashboard.isPublic(ctx)) {
            return;
        }
        if (keys.required() && !keys.accepts(presentedKey(ctx))) {
            throw new HttpRejection.Unauthorized(presentedKey(ctx) == null
                    ? "An API key is required: pass it as the 'code' query parameter or the x-functions-key header."
                    : "The API key is not valid.");
        }
        if (ctx.req().getContentLengthLong() > config.maxRequestBytes()) {
            refuseTooLarge(ctx);
        }
        // Before anything reads the request: query parameters are decoded in the declared charset too.
        declaredCharset(ctx);
    }

    private static String presentedKey(Context ctx) {
        String key = ctx.queryParam(KEY_QUERY);
        return key != null && !key.isEmpty() ? key : ctx.header(KEY_HEADER);
    }

    /** The client of the task hub named by the {@code taskHub} query parameter, or the default one. */
    TaskhubClient client(Context ctx) {
        return clients.forTaskHub(QueryParams.text(ctx, "taskHub"));
    }

    /**
     * Links for this request: under {@link #origin}, with the task hub, connection and key.
     */
    ManagementUrls urls(Context ctx, TaskhubClient client) {
        String code = keys.required() ? presentedKey(ctx) : null;
        return new ManagementUrls(origin(ctx), client.taskHub(), QueryParams.text(ctx, "connection"), code);
    }

    /** This request's own URL, under {@link #origin}. */
    String requestUrl(Context ctx) {
        String query = ctx.queryString();
        return origin(ctx) + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /**
     * Where links point: the configured public URL when there is one (and then nothing the request says about
     * its host is used), else the request's own scheme and Host header, which a client can set at will (see
     * docs/http-api.md on running behind a proxy).
     */
    private String origin(Context ctx) {
        return config.publicBaseUrl() != null ? config.publicBaseUrl() : ctx.scheme() + "://" + ctx.host();
    }

    /** Links for use outside a request, under the configured public URL. */
    ManagementUrls urls(String taskHub, String origin) {
        return new ManagementUrls(origin, taskHub, null, keys.linkKey());
    }

    /**
     * The request body as text in its declared charset (UTF-8 when none is declared), or null when empty or
     * blank; never reads more than the configured limit (bodies sent without a length are cut off there and
     * refused). A body that cannot be read (a malformed chunk, a client that stops sending or goes away) is the
     * caller's fault, answered 400 or 408, never a server error.
     */
    String body(Context ctx) {
        Charset charset = declaredCharset(ctx);
        long limit = config.maxRequestBytes();
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        } catch (IOException | RuntimeException e) {
            throw unreadableBody(e);
        }
        if (bytes.length > limit) {
            refuseTooLarge(ctx);
        }
        String text = new String(bytes, charset);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return text.isBlank() ? null : text;
    }

    /**
     * Refuses a body over the limit. A moderate excess is read and dropped first: a client still sending its body
     * when the server answers and closes may see the connection reset instead of the 413. A body far over the
     * limit is not worth reading; the connection is closed on it.
     */
    private void refuseTooLarge(Context ctx) {
        long drainable = 4 * config.maxRequestBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared <= drainable) {
            try (InputStream in = ctx.req().getInputStream()) {
                long drained = 0;
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n > 0 && drained <= drainable; n = in.read(buffer)) {
                    drained += n;
                }
            } catch (IOException | RuntimeException ignored) {
                // the answer is 413 all the same
            }
        }
        throw new HttpRejection.BodyTooLarge(config.maxRequestBytes());
    }

    /** The media type of the body, lower case and without parameters; null when none was declared. */
    static String mediaType(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null || header.isBlank()) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The charset parameter of the Content-Type header, read here rather than by the servlet container (which
     * throws on a name it does not know).
     */
    static Charset declaredCharset(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null) {
            return StandardCharsets.UTF_8;
        }
        for (String parameter : header.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                String name = parameter.substring(equals + 1).trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    throw new HttpRejection.UnsupportedMediaType("The request's charset '"
                            + printable(name) + "' is not supported; send the body as UTF-8.");
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** At most 100 characters, control characters shown as '?': safe to echo in an error message. */
    private static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.codePoints().map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static HttpRejection unreadableBody(Exception error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return new HttpRejection.RequestTimeout("The request body did not arrive in time: " + cause.getMessage());
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new HttpRejection.UnreadableBody("The request body could not be read: " + reason);
    }
}
