package io.taskhub.runtime;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import io.taskhub.azure.AzureStorageConfig;
import io.taskhub.azure.AzureStorageModule;
import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.engine.LifecycleLog;
import io.taskhub.core.engine.StartHandOff;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.grpc.GrpcConfig;
import io.taskhub.grpc.TaskhubGrpcServer;
import io.taskhub.http.HttpConfig;
import io.taskhub.http.HttpModule;
import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresModule;
import io.taskhub.runtime.config.ConfigurationException;
import io.taskhub.runtime.config.Setting;
import io.taskhub.runtime.config.Settings;
import io.taskhub.runtime.metrics.TaskhubMeters;
import io.taskhub.runtime.tracing.OpenTelemetryTracing;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The composition root: picks one Guice module per adapter from the settings and builds the object graph.
 * Which backend is used is decided here, by lookup, and nowhere else.
 */
public final class Deployment implements AutoCloseable {
    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(20);

    private static final Map<String, BiFunction<Settings, TaskhubMeters, Module>> BACKENDS = Map.of(
            "sqlite", (s, m) -> new SqliteModule(SqliteConfig.at(Path.of(s.get(Settings.SQLITE_FILE)))),
            "postgres", (s, m) -> new PostgresModule(postgresConfig(s)).withPoolMetrics(m.registry()),
            "azure-storage", (s, m) -> new AzureStorageModule(azureStorageConfig(s)));

    private final Settings settings;
    private final Injector injector;
    private final PluginSet plugins;
    private TaskhubWorker worker;
    private TaskhubGrpcServer grpc;

    private Deployment(Settings settings, Injector injector, PluginSet plugins) {
        this.settings = settings;
        this.injector = injector;
        this.plugins = plugins;
    }

    /**
     * The deployment the settings describe, with the plugins found through {@code classPath} and those of
     * {@code plugins.path} when it is set.
     */
    public static Deployment assemble(Settings settings, ClassLoader classPath) {
        return assemble(settings, PluginSet.fromSettings(settings, classPath, List.of()));
    }

    public static Deployment assemble(Settings settings, PluginSet plugins) {
        return assemble(settings, plugins, null);
    }

    /**
     * @param openTelemetry where the engine's spans go; null: the process's GlobalOpenTelemetry with
     *                      {@code tracing.enabled=true}, none otherwise
     */
    public static Deployment assemble(Settings settings, PluginSet plugins,
            io.opentelemetry.api.OpenTelemetry openTelemetry) {
        String backend = settings.get(Settings.BACKEND);
        BiFunction<Settings, TaskhubMeters, Module> storage = BACKENDS.get(backend);
        if (storage == null) {
            throw new ConfigurationException("Backend '" + backend
                    + "' is not available in this build; available: " + String.join(", ", BACKENDS.keySet()) + ".");
        }
        LifecycleLog.includePayloads(settings.getBoolean(Settings.LOG_PAYLOADS));
        TaskhubMeters meters = new TaskhubMeters(settings.get(Settings.TASK_HUB));
        Module backendModule;
        try {
            backendModule = storage.apply(settings, meters);
        } catch (InvalidArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        // Plugins register before anything is wired, so that their failures surface as they are.
        OrchestrationRegistry registry = new OrchestrationRegistry();
        EngineModule.Registrations registrations = new EngineModule.Registrations(registry,
                plugins.registerInto(registry));
        Injector injector;
        try {
            injector = Guice.createInjector(backendModule, new EngineModule(settings, registrations, meters,
                    tracing(settings, openTelemetry)),
                    new HttpModule(httpConfig(settings)));
        } catch (CreationException e) {
            meters.close();
            throw unwrapped(e);
        }
        return new Deployment(settings, injector, plugins);
    }

    private static EngineTracing tracing(Settings settings, io.opentelemetry.api.OpenTelemetry openTelemetry) {
        String taskHub = settings.get(Settings.TASK_HUB);
        if (openTelemetry != null) {
            return new OpenTelemetryTracing(openTelemetry, taskHub);
        }
        // Asked only when enabled: the first call fixes the global instance for the whole process (no-op if
        // nobody registered one), which would be a surprise to a host that registers its own later.
        return settings.getBoolean(Settings.TRACING_ENABLED)
                ? new OpenTelemetryTracing(io.opentelemetry.api.GlobalOpenTelemetry.get(), taskHub)
                : EngineTracing.NONE;
    }

    /** An object of the graph; what its provider threw comes out as it was thrown. */
    private <T> T instance(Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (ProvisionException e) {
            throw unwrapped(e);
        }
    }

    /** The exception a Guice provider threw (opening a backend, say), rather than Guice's wrapper. */
    static RuntimeException unwrapped(RuntimeException wrapper) {
        Throwable cause = wrapper;
        while ((cause instanceof ProvisionException || cause instanceof CreationException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ProvisionException provision && !provision.getErrorMessages().isEmpty()
                && provision.getErrorMessages().iterator().next().getCause() != null) {
            cause = provision.getErrorMessages().iterator().next().getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : wrapper;
    }

    /** Built one setting at a time, so that a refusal names the setting that caused it. */
    private static PostgresConfig postgresConfig(Settings s) {
        PostgresConfig connection = checked(Settings.POSTGRES_URL, () -> PostgresConfig.of(
                s.get(Settings.POSTGRES_URL), s.get(Settings.POSTGRES_USER), s.get(Settings.POSTGRES_PASSWORD)));
        PostgresConfig schema = checked(Settings.POSTGRES_SCHEMA,
                () -> connection.withSchema(s.get(Settings.POSTGRES_SCHEMA)));
        PostgresConfig pool = checked(Settings.POSTGRES_POOL_SIZE,
                () -> schema.withPoolSize(s.getInt(Settings.POSTGRES_POOL_SIZE)));
        String synchronousCommit = s.get(Settings.POSTGRES_SYNCHRONOUS_COMMIT);
        return checked(Settings.POSTGRES_SYNCHRONOUS_COMMIT,
                () -> pool.withSynchronousCommit("server".equals(synchronousCommit) ? null : synchronousCommit));
    }

    /** Checked as each setting is added, so that a refusal names the setting that caused it. */
    private static AzureStorageConfig azureStorageConfig(Settings s) {
        AzureStorageConfig.Builder builder = AzureStorageConfig.builder();
        checked(Settings.AZURE_CONNECTION_STRING,
                () -> builder.connectionString(s.get(Settings.AZURE_CONNECTION_STRING)).build());
        checked(Settings.AZURE_PARTITIONS, () -> builder.partitionCount(s.getInt(Settings.AZURE_PARTITIONS)).build());
        checked(Settings.AZURE_PARTITION_LEASE,
                () -> builder.partitionLeaseDuration(s.getDuration(Settings.AZURE_PARTITION_LEASE)).build());
        return checked(Settings.AZURE_POLLING,
                () -> builder.maxPollingInterval(s.getDuration(Settings.AZURE_POLLING)).build());
    }

    private static <T> T checked(Setting setting, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidArgumentException e) {
            throw new ConfigurationException("Setting '" + setting.key() + "': " + e.getMessage());
        }
    }

    private static HttpConfig httpConfig(Settings s) {
        String publicUrl = s.get(Settings.HTTP_PUBLIC_URL);
        try {
            return new HttpConfig(s.get(Settings.HTTP_HOST), s.getInt(Settings.HTTP_PORT), s.getList(Settings.HTTP_API_KEYS),
                    s.getInt(Settings.HTTP_MAX_REQUEST_BYTES), s.getBoolean(Settings.HTTP_ALLOW_INSECURE),
                    publicUrl.isBlank() ? null : publicUrl, null, s.getDuration(Settings.HTTP_IDLE_TIMEOUT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Invalid HTTP settings: " + e.getMessage());
        }
    }

    /** The HTTP API server over this deployment's clients (not started). */
    public TaskhubHttpServer httpServer() {
        return instance(TaskhubHttpServer.class);
    }

    /**
     * Starts serving the HTTP API. An address that cannot be served (in use, not this machine's, or open without
     * keys) is a matter of configuration: the exception names the settings to change.
     */
    public TaskhubHttpServer startHttpServer() {
        try {
            return httpServer().start();
        } catch (TaskhubHttpServer.BindRefused e) {
            String change = switch (e.reason()) {
                case INSECURE -> Settings.HTTP_API_KEYS.key() + ", " + Settings.HTTP_HOST.key() + " or "
                        + Settings.HTTP_ALLOW_INSECURE.key();
                case ADDRESS_UNAVAILABLE -> Settings.HTTP_PORT.key() + " (--port) or " + Settings.HTTP_HOST.key();
            };
            throw new ConfigurationException(e.getMessage() + " Change " + change + ".");
        }
    }

    /** Whether the Durable Task protocol is served ({@code grpc.port} is set). */
    public boolean servesGrpc() {
        return !settings.get(Settings.GRPC_PORT).isBlank();
    }

    /**
     * The Durable Task protocol's server (not started), whose connected workers the worker hands the work it lacks;
     * only when {@link #servesGrpc()}.
     */
    public synchronized TaskhubGrpcServer grpcServer() {
        if (grpc == null) {
            grpc = new TaskhubGrpcServer(grpcConfig(settings), clients());
        }
        return grpc;
    }

    private static GrpcConfig grpcConfig(Settings s) {
        String port = s.get(Settings.GRPC_PORT).trim();
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0 || number > 65_535) {
            throw new ConfigurationException("Setting " + Settings.GRPC_PORT.key() + ": '" + port + "' is not a port"
                    + " (0 to 65535; 0 picks a free one; empty: not served).");
        }
        return new GrpcConfig(s.get(Settings.HTTP_HOST), number, s.getList(Settings.HTTP_API_KEYS),
                s.getBoolean(Settings.HTTP_ALLOW_INSECURE), s.getDuration(Settings.GRPC_WORK_ITEM_TIMEOUT));
    }

    /** Starts serving the Durable Task protocol; a refused bind names the settings to change. */
    public TaskhubGrpcServer startGrpcServer() {
        try {
            return grpcServer().start();
        } catch (IllegalStateException e) {
            throw new ConfigurationException(e.getMessage() + " Change " + Settings.GRPC_PORT.key() + " (--grpc-port), "
                    + Settings.HTTP_HOST.key() + " or " + Settings.HTTP_API_KEYS.key() + ".");
        }
    }

    /** What each plugin registered, and from where. */
    public List<FunctionCatalog.Function> functions() {
        return instance(FunctionCatalog.class).functions();
    }

    public Settings settings() {
        return settings;
    }

    /** This deployment's meters (the engine's, the HTTP API's, the connection pool's, the JVM's). */
    public TaskhubMeters meters() {
        return instance(TaskhubMeters.class);
    }

    public StorageBackend backend() {
        return instance(StorageBackend.class);
    }

    public TaskhubClients clients() {
        return instance(TaskhubClients.class);
    }

    public OrchestrationRegistry registry() {
        return instance(OrchestrationRegistry.class);
    }

    public Injector injector() {
        return injector;
    }

    /** Starts a worker for the default task hub. */
    public synchronized TaskhubWorker startWorker() {
        if (worker == null) {
            String taskHub = clients().defaultTaskHub();
            // Activities get their hub's client, and management links under this deployment's HTTP address.
            worker = new TaskhubWorker(backend().taskHub(taskHub), registry(), instance(WorkerOptions.class),
                    clients().forTaskHub(taskHub), httpServer()).withWorkContext(new Slf4jWorkContext())
                    .withMetrics(meters()).withTracing(instance(EngineTracing.class));
            if (servesGrpc()) {
                // What this process lacks goes to the Durable Task workers connected over gRPC.
                worker.withRemoteWorkers(grpcServer().remoteWorkers(taskHub),
                        grpcServer().config().workItemTimeout());
            }
            worker.start();
            handStarts(taskHub, worker.startHandOff());
            meters().watch(backend().taskHub(taskHub), new io.taskhub.core.registry.WorkerDirectory(
                    backend().taskHub(taskHub)));
        }
        return worker;
    }

    /**
     * Has this process's client of {@code taskHub} hand its starts to {@code handOff}: a start of an orchestrator the
     * worker runs is stored held by it and run at once, with no claim (see {@link StartHandOff}).
     */
    private void handStarts(String taskHub, StartHandOff handOff) {
        if (clients().forTaskHub(taskHub) instanceof DefaultTaskhubClient local) {
            local.handStartsTo(handOff);
        }
    }

    /** Stops the worker, finishing or releasing the work in progress; does nothing when none runs. */
    public synchronized void stopWorker() {
        stopWorker(DEFAULT_STOP_GRACE);
    }

    private void stopWorker(Duration grace) {
        if (worker != null) {
            handStarts(clients().defaultTaskHub(), StartHandOff.NONE);
            worker.stop(grace);
            worker = null;
        }
    }

    @Override
    public void close() {
        close(DEFAULT_STOP_GRACE);
    }

    /** Stops the worker (up to {@code grace} for work in progress), closes the backend and the plugin jars. */
    public synchronized void close(Duration grace) {
        try {
            if (grpc != null) {
                grpc.stop(); // its workers' streams end first: what they held goes back uncounted
            }
            stopWorker(grace);
            meters().close();
            backend().close();
        } finally {
            plugins.close();
        }
    }
}
