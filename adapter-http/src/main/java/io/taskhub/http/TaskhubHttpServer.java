package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.ManagementLinks;
import io.taskhub.ports.client.ManagementPayload;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.security.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP management API server (HTTP-API.md): Javalin on Jetty, routes from {@link ManagementRoutes}, errors
 * from {@link ErrorMapper}. Constructing it does no I/O; {@link #start()} binds the port, after refusing an
 * insecure bind (a non-loopback address without API keys, unless explicitly allowed).
 */
public final class TaskhubHttpServer implements AutoCloseable, ManagementLinks {
    private static final Logger LOG = LoggerFactory.getLogger(TaskhubHttpServer.class);

    private final HttpConfig config;
    private final TaskhubClients clients;
    private final FunctionCatalog functions;
    private final ApiKeys keys;
    private final RequestSupport support;
    private Javalin app;
    private HttpMetrics metrics = HttpMetrics.NONE;

    public TaskhubHttpServer(HttpConfig config, TaskhubClients clients) {
        this(config, clients, FunctionCatalog.NONE);
    }

    /** @param functions what {@code GET /taskhub/v1/orchestrators} lists */
    public TaskhubHttpServer(HttpConfig config, TaskhubClients clients, FunctionCatalog functions) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.functions = Objects.requireNonNull(functions, "functions");
        this.keys = new ApiKeys(config.apiKeys());
        this.support = new RequestSupport(clients, config, keys);
    }

    /** Where requests are counted and what {@code GET /taskhub/v1/metrics} serves; before {@link #start()}. */
    public synchronized TaskhubHttpServer withMetrics(HttpMetrics httpMetrics) {
        this.metrics = Objects.requireNonNull(httpMetrics, "httpMetrics");
        return this;
    }

    public HttpConfig config() {
        return config;
    }

    /**
     * Binds and starts serving.
     *
     * @throws BindRefused when the bind would be insecure, or the address cannot be bound
     */
    public synchronized TaskhubHttpServer start() {
        if (app != null) {
            return this;
        }
        refuseInsecureBind(config);
        requireFreeAddress(config);
        ManagementRoutes routes = new ManagementRoutes(support, config, functions, metrics);
        HttpMetrics counted = metrics;
        ErrorMapper errors = new ErrorMapper();
        Javalin created = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.router.caseInsensitiveRoutes = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.http.prefer405over404 = false;
            cfg.http.maxRequestSize = config.maxRequestBytes();
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(config.idleTimeout().toMillis()));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyJsonErrors()));
            cfg.routes.before(ctx -> ctx.attribute(STARTED_AT, System.nanoTime()));
            cfg.routes.before(support::screen);
            cfg.routes.after(ctx -> count(ctx, counted));
            routes.register(cfg.routes);
            Dashboard.register(cfg.routes);
            // Javalin answers its own HttpResponseExceptions unless a handler names that type itself.
            cfg.routes.exception(HttpResponseException.class, errors::handle);
            cfg.routes.exception(Exception.class, errors::handle);
        });
        try {
            created.start(config.host(), config.port());
        } catch (RuntimeException e) {
            created.stop();
            throw new BindRefused(BindRefused.Reason.ADDRESS_UNAVAILABLE, "Could not serve HTTP on " + config.host()
                    + ":" + config.port() + ": " + e.getMessage(), e);
        }
        app = created;
        LOG.info("Taskhub HTTP API listening on http://{}:{} (task hub {}, API keys {})", config.host(), port(),
                clients.defaultTaskHub(), keys.required() ? "required" : "off");
        return this;
    }

    private static final String STARTED_AT = "taskhub.startedAt";

    /** Reports an answered request under its route template (the path would make one metric per instance id). */
    private static void count(io.javalin.http.Context ctx, HttpMetrics metrics) {
        Long started = ctx.attribute(STARTED_AT);
        io.javalin.router.Endpoint matched = ctx.endpoints().lastHttpEndpoint();
        String route = matched == null ? "unmatched" : matched.path;
        metrics.requestServed(ctx.method().name(), route, ctx.statusCode(),
                java.time.Duration.ofNanos(started == null ? 0 : System.nanoTime() - started));
    }

    /** The bound port (useful with port 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("The HTTP server is not started.");
        }
        return app.port();
    }

    /** scheme://host:port for clients on this machine. */
    public String localBaseUrl() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    /**
     * The check-status payload for an instance, for use outside a request ("create HTTP management payload"):
     * links under the configured public URL (else this server's address), with the first API key.
     */
    public String createHttpManagementPayload(String taskHub, String instanceId) {
        String hub = clients.forTaskHub(taskHub).taskHub();
        ObjectNode payload = support.urls(hub, publicOrigin()).checkStatusPayload(instanceId);
        return Json.write(payload);
    }

    private String publicOrigin() {
        return config.publicBaseUrl() != null ? config.publicBaseUrl() : localBaseUrl();
    }

    /**
     * The management links of an instance for code outside a request (an activity): under the public URL, else
     * this server's address once it serves.
     *
     * @throws IllegalStateException with no public URL, before the server is started
     */
    @Override
    public ManagementPayload payload(String taskHub, String instanceId) {
        String origin;
        synchronized (this) {
            if (config.publicBaseUrl() == null && app == null) {
                return ManagementLinks.NONE.payload(taskHub, instanceId);
            }
            origin = publicOrigin();
        }
        return support.urls(clients.forTaskHub(taskHub).taskHub(), origin).payload(instanceId);
    }

    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Keys or loopback, unless explicitly told otherwise ({@link ApiKeys#exposesOpenApi}). */
    static void refuseInsecureBind(HttpConfig config) {
        boolean open;
        try {
            open = ApiKeys.exposesOpenApi(config.host(), config.keysRequired(), config.allowInsecureBind());
        } catch (UnknownHostException e) {
            throw new BindRefused(BindRefused.Reason.ADDRESS_UNAVAILABLE, "HTTP host '" + config.host()
                    + "' cannot be resolved.", e);
        }
        if (open) {
            throw new BindRefused(BindRefused.Reason.INSECURE, "Refusing to serve the HTTP API on " + config.host()
                    + " without API keys: anyone who can reach it could start, terminate and purge instances. "
                    + "Configure at least one API key, bind to 127.0.0.1, or explicitly allow an insecure bind.", null);
        }
    }

    /**
     * Finds out before starting Jetty whether the address can be bound, so that an address in use is reported
     * once, by whoever starts the server, instead of also as an error in Javalin's log.
     */
    private static void requireFreeAddress(HttpConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.host(), config.port()));
        } catch (IOException e) {
            throw new BindRefused(BindRefused.Reason.ADDRESS_UNAVAILABLE, "Could not serve HTTP on " + config.host()
                    + ":" + config.port() + ": " + (e.getMessage() == null ? "the address cannot be bound"
                    : e.getMessage()) + ".", e);
        }
    }

    /** The server cannot be started on its configured address; {@link #reason()} says why. */
    public static final class BindRefused extends IllegalStateException {
        public enum Reason {
            /** A non-loopback address without API keys, not explicitly allowed. */
            INSECURE,
            /** The address is in use, or not one of this machine's. */
            ADDRESS_UNAVAILABLE
        }

        private final Reason reason;

        BindRefused(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
