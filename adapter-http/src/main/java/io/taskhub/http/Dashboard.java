package io.taskhub.http;

import static io.javalin.http.HandlerType.GET;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * The web dashboard: static files from the jar ({@code io/taskhub/http/ui/}) under {@code /taskhub/ui/}, with
 * {@code /} redirecting there. The files are the only thing served without an API key (a browser cannot send a
 * header when it opens a page); everything the dashboard shows or does goes through the API with the key, like
 * any client's request.
 */
final class Dashboard {
    static final String PATH = "/taskhub/ui/";
    private static final String RESOURCES = "io/taskhub/http/ui/";

    /** The files, each with its content type: a fixed list, so no request path ever reaches the class path. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    /**
     * Scripts and styles only from this server, nothing inline, no framing (every action is one click from a
     * confirmation, so a page that framed the dashboard could trick a click), connections only to this API.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none';"
            + " base-uri 'none'";

    private Dashboard() {
    }

    static void register(RoutesConfig routes) {
        routes.addHttpHandler(GET, "/", Dashboard::redirect);
        // The router ignores trailing slashes, so this one route answers both; the page's relative links need the
        // slash, so the form without it is redirected.
        routes.addHttpHandler(GET, PATH, ctx -> {
            if (ctx.path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                redirect(ctx);
            }
        });
        routes.addHttpHandler(GET, PATH + "{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    /** True for the requests that are answered without an API key: the dashboard's own files and redirects. */
    static boolean isPublic(Context ctx) {
        if (!"GET".equals(ctx.method().name()) && !"HEAD".equals(ctx.method().name())) {
            return false;
        }
        String path = ctx.path().toLowerCase(Locale.ROOT);
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals("") || path.equals("/") || path.equals("/taskhub/ui")) {
            return true;
        }
        return path.startsWith(PATH) && FILES.containsKey(path.substring(PATH.length()));
    }

    /** Keeps the query string, so that {@code /?taskHub=x} opens the dashboard on task hub x. */
    private static void redirect(Context ctx) {
        String query = ctx.queryString();
        ctx.redirect(ctx.contextPath() + PATH + (query == null || query.isEmpty() ? "" : "?" + query),
                HttpStatus.FOUND);
    }

    private static void serve(Context ctx, String file) {
        String contentType = FILES.get(file);
        if (contentType == null) {
            throw new NotFoundResponse("The dashboard has no file '" + file + "'.");
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.contentType(contentType).result(read(file));
    }

    private static byte[] read(String file) {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard's file " + file + " is missing from the jar.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
