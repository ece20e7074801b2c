package io.taskhub.cli.assembly;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.taskhub.azure.AzureStorageConfig;
import io.taskhub.azure.AzureStorageModule;
import io.taskhub.cli.config.ConfigurationException;
import io.taskhub.cli.config.Setting;
import io.taskhub.cli.config.Settings;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.http.HttpConfig;
import io.taskhub.http.HttpModule;
import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresModule;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteModule;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The composition root: picks one Guice module per adapter from the settings and builds the object graph.
 * Which backend is used is decided here, by lookup, and nowhere else.
 */
public final class Deployment implements AutoCloseable {
    private static final Map<String, Function<Settings, Module>> BACKENDS = Map.of(
            "sqlite", s -> new SqliteModule(SqliteConfig.at(Path.of(s.get(Settings.SQLITE_FILE)))),
            "postgres", s -> new PostgresModule(postgresConfig(s)),
            "azure-storage", s -> new AzureStorageModule(azureStorageConfig(s)));

    private final Settings settings;
    private final Injector injector;
    private TaskhubWorker worker;

    private Deployment(Settings settings, Injector injector) {
        this.settings = settings;
        this.injector = injector;
    }

    public static Deployment assemble(Settings settings, ClassLoader plugins) {
        String backend = settings.get(Settings.BACKEND);
        Function<Settings, Module> storage = BACKENDS.get(backend);
        if (storage == null) {
            throw new ConfigurationException("Backend '" + backend
                    + "' is not available in this build; available: " + String.join(", ", BACKENDS.keySet()) + ".");
        }
        Module backendModule;
        try {
            backendModule = storage.apply(settings);
        } catch (InvalidArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        Injector injector = Guice.createInjector(backendModule, new EngineModule(settings, plugins),
                new HttpModule(httpConfig(settings)));
        return new Deployment(settings, injector);
    }

    /** Built one setting at a time, so that a refusal names the setting that caused it. */
    private static PostgresConfig postgresConfig(Settings s) {
        PostgresConfig connection = checked(Settings.POSTGRES_URL, () -> PostgresConfig.of(
                s.get(Settings.POSTGRES_URL), s.get(Settings.POSTGRES_USER), s.get(Settings.POSTGRES_PASSWORD)));
        PostgresConfig schema = checked(Settings.POSTGRES_SCHEMA,
                () -> connection.withSchema(s.get(Settings.POSTGRES_SCHEMA)));
        return checked(Settings.POSTGRES_POOL_SIZE, () -> schema.withPoolSize(s.getInt(Settings.POSTGRES_POOL_SIZE)));
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
        return injector.getInstance(TaskhubHttpServer.class);
    }

    public Settings settings() {
        return settings;
    }

    public StorageBackend backend() {
        return injector.getInstance(StorageBackend.class);
    }

    public TaskhubClients clients() {
        return injector.getInstance(TaskhubClients.class);
    }

    public OrchestrationRegistry registry() {
        return injector.getInstance(OrchestrationRegistry.class);
    }

    public Injector injector() {
        return injector;
    }

    /** Starts a worker for the default task hub. */
    public synchronized TaskhubWorker startWorker() {
        if (worker == null) {
            String taskHub = clients().defaultTaskHub();
            worker = new TaskhubWorker(backend().taskHub(taskHub), registry(),
                    injector.getInstance(WorkerOptions.class)).start();
        }
        return worker;
    }

    /** Stops the worker, finishing or releasing the work in progress; does nothing when none runs. */
    public synchronized void stopWorker() {
        if (worker != null) {
            worker.stop(java.time.Duration.ofSeconds(20));
            worker = null;
        }
    }

    @Override
    public synchronized void close() {
        stopWorker();
        backend().close();
    }
}
