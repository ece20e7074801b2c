package io.taskhub.cli.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.cli.config.ConfigurationException;
import io.taskhub.cli.config.Settings;
import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.store.StorageBackend;

/** The engine, the same for every deployment: plugins from the class path, clients, worker settings. */
final class EngineModule extends AbstractModule {
    private final Settings settings;
    private final ClassLoader plugins;

    EngineModule(Settings settings, ClassLoader plugins) {
        this.settings = settings;
        this.plugins = plugins;
    }

    @Provides
    @Singleton
    OrchestrationRegistry registry() {
        return OrchestrationRegistry.fromClassPath(plugins);
    }

    @Provides
    @Singleton
    TaskhubClients clients(StorageBackend backend, OrchestrationRegistry registry) {
        return new DefaultTaskhubClients(backend, registry, settings.get(Settings.TASK_HUB));
    }

    @Provides
    @Singleton
    WorkerOptions workerOptions() {
        WorkerOptions options = WorkerOptions.defaults()
                .withConcurrency(Math.max(1, settings.getInt(Settings.WORKER_ORCHESTRATIONS)),
                        Math.max(1, settings.getInt(Settings.WORKER_ACTIVITIES)))
                .withMaxCachedInstances(settings.getInt(Settings.WORKER_CACHE))
                .withPoisonLimit(Math.max(1, settings.getInt(Settings.WORKER_POISON_LIMIT)));
        try {
            return options.withLeaseDuration(settings.getDuration(Settings.WORKER_LEASE));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting '" + Settings.WORKER_LEASE.key() + "': " + e.getMessage()
                    + "; accepted: 0.3 seconds or more.");
        }
    }
}
