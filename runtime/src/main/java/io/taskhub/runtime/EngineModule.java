package io.taskhub.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.runtime.config.ConfigurationException;
import io.taskhub.runtime.config.Setting;
import io.taskhub.runtime.config.Settings;
import io.taskhub.runtime.metrics.TaskhubMeters;
import io.taskhub.core.telemetry.EngineTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The engine, the same for every deployment: the plugins' orchestrations, clients, worker settings. */
final class EngineModule extends AbstractModule {
    private final Settings settings;
    private final Registrations registrations;

    /** The registry the plugins filled, and what each registered from where. */
    record Registrations(OrchestrationRegistry registry, List<FunctionCatalog.Function> list) {
    }

    private final TaskhubMeters meters;
    private final EngineTracing tracing;

    EngineModule(Settings settings, Registrations registrations, TaskhubMeters meters, EngineTracing tracing) {
        this.settings = settings;
        this.registrations = registrations;
        this.meters = meters;
        this.tracing = tracing;
    }

    @Override
    protected void configure() {
        bind(TaskhubMeters.class).toInstance(meters);
        bind(EngineTracing.class).toInstance(tracing);
        com.google.inject.multibindings.OptionalBinder.newOptionalBinder(binder(), io.taskhub.http.HttpMetrics.class)
                .setBinding().toInstance(meters);
    }

    @Provides
    Registrations registrations() {
        return registrations;
    }

    @Provides
    OrchestrationRegistry registry() {
        return registrations.registry();
    }

    @Provides
    FunctionCatalog functions() {
        return registrations::list;
    }

    @Provides
    @Singleton
    TaskhubClients clients(StorageBackend backend, OrchestrationRegistry registry) {
        // Only hubs that some worker serves: a start into any other would wait for ever.
        String own = taskHubName(Settings.TASK_HUB, settings.get(Settings.TASK_HUB));
        List<String> others = new ArrayList<>();
        for (String hub : settings.getList(Settings.HTTP_TASK_HUBS)) {
            others.add(taskHubName(Settings.HTTP_TASK_HUBS, hub));
        }
        Duration startTimeout = settings.getDuration(Settings.CLIENT_START_TIMEOUT);
        if (startTimeout.isZero() || startTimeout.isNegative()) {
            throw new ConfigurationException("Setting '" + Settings.CLIENT_START_TIMEOUT.key() + "' must be more than"
                    + " 0 seconds.");
        }
        return DefaultTaskhubClients.servingOnly(backend, registry, own, others).withStartTimeout(startTimeout)
                .withTracing(tracing);
    }

    private static String taskHubName(Setting setting, String name) {
        try {
            return TaskHubNames.validate(name);
        } catch (InvalidArgumentException e) {
            throw new ConfigurationException("Setting '" + setting.key() + "': " + e.getMessage());
        }
    }

    @Provides
    @Singleton
    WorkerOptions workerOptions() {
        WorkerOptions options = WorkerOptions.defaults()
                .withConcurrency(Math.max(1, settings.getInt(Settings.WORKER_ORCHESTRATIONS)),
                        Math.max(1, settings.getInt(Settings.WORKER_ACTIVITIES)))
                .withMaxCachedInstances(settings.getInt(Settings.WORKER_CACHE))
                .withPoisonLimit(Math.max(1, settings.getInt(Settings.WORKER_POISON_LIMIT)))
                .withUnknownNameTimeout(settings.getDurationOrNever(Settings.WORKER_UNKNOWN_NAME_TIMEOUT))
                .withHandOffWork(settings.getBoolean(Settings.WORKER_HAND_OFF))
                .withFirstStepBeforeStore(settings.getBoolean(Settings.WORKER_FIRST_STEP_BEFORE_STORE));
        try {
            return options.withLeaseDuration(settings.getDuration(Settings.WORKER_LEASE));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Setting '" + Settings.WORKER_LEASE.key() + "': " + e.getMessage()
                    + "; accepted: 0.3 seconds or more.");
        }
    }
}
