package io.taskhub.cli.assembly;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.taskhub.cli.config.Settings;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.sqlite.SqliteConfig;
import io.taskhub.sqlite.SqliteModule;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The composition root: picks one Guice module per adapter from the settings and builds the object graph.
 * Which backend is used is decided here, by lookup, and nowhere else.
 */
public final class Deployment implements AutoCloseable {
    private static final Map<String, Function<Settings, Module>> BACKENDS = Map.of(
            "sqlite", s -> new SqliteModule(SqliteConfig.at(Path.of(s.get(Settings.SQLITE_FILE)))));

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
            throw new io.taskhub.cli.config.ConfigurationException("Backend '" + backend
                    + "' is not available in this build; available: " + String.join(", ", BACKENDS.keySet()) + ".");
        }
        Injector injector = Guice.createInjector(storage.apply(settings), new EngineModule(settings, plugins));
        return new Deployment(settings, injector);
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

    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.stop(java.time.Duration.ofSeconds(20));
        }
        backend().close();
    }
}
