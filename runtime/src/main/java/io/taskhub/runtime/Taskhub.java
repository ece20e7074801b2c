package io.taskhub.runtime;

import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Taskhub inside your application: the engine, its worker and (on request) its HTTP API in your process, on the
 * backend your settings choose.
 *
 * <pre>{@code
 * try (Taskhub taskhub = Taskhub.builder()
 *         .setting("backend", "postgres")
 *         .setting("postgres.url", "jdbc:postgresql://127.0.0.1:5432/orders")
 *         .plugin(new OrderPlugin())
 *         .start()) {
 *     String id = taskhub.client().startNew(StartInstanceRequest.of("Order", "{\"sku\":\"A-1\"}"));
 *     taskhub.client().waitForCompletion(id, Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>Settings are the keys of {@code taskhub.properties}, checked the same way: an unknown key or an invalid value
 * stops {@link Builder#start()} with a {@link io.taskhub.runtime.config.ConfigurationException} naming it.
 * Plugins are those given to the builder plus every {@link TaskhubPlugin} the class path's ServiceLoader finds.
 * {@link #close()} stops gracefully: work in progress finishes (or is left to its lease and redone elsewhere);
 * nothing acknowledged is lost.
 */
public final class Taskhub implements AutoCloseable {
    /** How long {@link #close()} lets work in progress finish. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Deployment deployment;
    private TaskhubHttpServer http;
    private boolean closed;

    private Taskhub(Deployment deployment) {
        this.deployment = deployment;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The client of this Taskhub's own task hub (setting {@code taskhub}). */
    public TaskhubClient client() {
        return deployment.clients().defaultClient();
    }

    /** The client of another task hub on the same storage; names are case-insensitive. */
    public TaskhubClient client(String taskHub) {
        return deployment.clients().forTaskHub(taskHub);
    }

    /** The orchestrators this process runs, by name. */
    public Set<String> orchestratorNames() {
        return deployment.registry().orchestratorNames();
    }

    /** The activities this process runs, by name. */
    public Set<String> activityNames() {
        return deployment.registry().activityNames();
    }

    /** Every orchestrator and activity the plugins registered, with the plugin's source (a jar, the class path). */
    public List<FunctionCatalog.Function> functions() {
        return deployment.functions();
    }

    /** The settings in force. */
    /**
     * The Micrometer registry holding every Taskhub meter (docs/operations.md); add a registry of your own to it to
     * publish them wherever your application publishes its metrics.
     */
    public io.micrometer.core.instrument.composite.CompositeMeterRegistry meterRegistry() {
        return deployment.meters().registry();
    }

    public Settings settings() {
        return deployment.settings();
    }

    /**
     * Serves the HTTP API (the {@code http.*} settings) from this process, if it does not already.
     *
     * @return this Taskhub; {@link #httpBaseUrl()} then says where
     */
    public synchronized Taskhub startHttp() {
        requireOpen();
        if (http == null) {
            http = deployment.startHttpServer();
        }
        return this;
    }

    /**
     * Serves the Durable Task protocol (the {@code grpc.port} setting) from this process, if it does not already:
     * the Durable Task SDKs' clients and workers connect to it.
     */
    public synchronized Taskhub startGrpc() {
        requireOpen();
        if (!deployment.servesGrpc()) {
            throw new IllegalStateException("Set grpc.port to serve the Durable Task protocol.");
        }
        deployment.startGrpcServer();
        return this;
    }

    /** The port the Durable Task protocol is served on, while it is. */
    public synchronized int grpcPort() {
        return deployment.grpcServer().port();
    }

    /** scheme://host:port of the HTTP API on this machine, while it is served. */
    public synchronized String httpBaseUrl() {
        if (http == null) {
            throw new IllegalStateException("The HTTP API is not served; call startHttp() or set http.enabled=true.");
        }
        return http.localBaseUrl();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (http != null) {
                http.stop();
            }
        } finally {
            deployment.close(STOP_GRACE);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("This Taskhub is closed.");
        }
    }

    /** Settings and plugins, then {@link #start()}. */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<TaskhubPlugin> plugins = new ArrayList<>();
        private final List<Path> pluginJars = new ArrayList<>();
        private ClassLoader classLoader = Taskhub.class.getClassLoader();
        private Settings loaded;
        private io.opentelemetry.api.OpenTelemetry openTelemetry;

        private Builder() {
        }

        /**
         * Settings loaded and checked elsewhere (the command line's layers: file, environment, flags); those
         * given with {@link #setting} still override them.
         */
        public Builder settings(Settings values) {
            loaded = Objects.requireNonNull(values, "values");
            return this;
        }

        /** One setting by its {@code taskhub.properties} key, e.g. {@code backend} or {@code postgres.url}. */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder settings(Map<String, String> values) {
            values.forEach(this::setting);
            return this;
        }

        /** A plugin to register besides those found on the class path. */
        public Builder plugin(TaskhubPlugin plugin) {
            plugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /**
         * A plugin jar to load, in a class loader of its own (as a jar of the {@code plugins.path} folder): its
         * {@code TaskhubPlugin}s, listed for ServiceLoader, are registered.
         */
        public Builder pluginJar(Path jar) {
            pluginJars.add(Objects.requireNonNull(jar, "jar"));
            return this;
        }

        /**
         * The OpenTelemetry (your application's SDK) that receives Taskhub's spans: an instance's creation, each of
         * its steps and each activity run, one trace per instance, under the span current where the instance is
         * started (docs/operations.md). Without it, spans go to GlobalOpenTelemetry when {@code tracing.enabled} is
         * true, and nowhere otherwise.
         */
        public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry value) {
            openTelemetry = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Where ServiceLoader looks for plugins (default: Taskhub's own class loader). */
        public Builder classLoader(ClassLoader loader) {
            classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Checks the settings, opens the backend, registers the plugins, starts the worker and, with
         * {@code http.enabled=true}, the HTTP API.
         *
         * @throws io.taskhub.runtime.config.ConfigurationException naming a setting that is unknown or invalid
         */
        public Taskhub start() {
            Settings checked = loaded != null ? loaded.with(settings) : Settings.of(settings);
            Deployment deployment = Deployment.assemble(checked, PluginSet.fromSettings(checked, classLoader,
                    plugins).withJars(pluginJars, classLoader), openTelemetry);
            Taskhub taskhub = new Taskhub(deployment);
            try {
                deployment.startWorker();
                if (deployment.servesGrpc()) {
                    taskhub.startGrpc();
                }
                if (checked.getBoolean(Settings.HTTP_ENABLED)) {
                    taskhub.startHttp();
                }
            } catch (RuntimeException | Error e) {
                taskhub.close();
                throw e;
            }
            return taskhub;
        }
    }
}
