package io.taskhub.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.core.telemetry.EngineMetrics;
import io.taskhub.http.HttpMetrics;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Taskhub's meters, in one registry: the engine's events ({@link EngineMetrics}), the HTTP API's requests
 * ({@link HttpMetrics}), the JVM's, and whatever a backend binds (the PostgreSQL connection pool). The names are a
 * contract (dashboards and alerts are written against them); docs/operations.md describes each.
 *
 * <p>The registry is a composite holding a Prometheus registry, whose text {@code GET /taskhub/v1/metrics} serves;
 * an embedding application adds its own registries to {@link #registry()}.
 */
public final class TaskhubMeters implements EngineMetrics, HttpMetrics, AutoCloseable {
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer steps;
    /*
     * The meters of each name, kept once registered: built and looked up in the registry for every step and
     * activity, they were a noticeable share of the engine's CPU. (Registries added to the composite later still
     * get them: a composite meter adds its children itself.)
     */
    private final Map<String, Counter> started = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> finished = new ConcurrentHashMap<>();
    private final Map<String, Timer> startToFinish = new ConcurrentHashMap<>();
    private final Map<String, Timer> activities = new ConcurrentHashMap<>();
    private final Counter leasesLost;
    private final Counter stepRetries;
    private final Counter dropped;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private BacklogSampler backlog;
    private ScheduledExecutorService refresher;

    /**
     * @param taskHub the deployment's task hub, put as a {@code taskhub} tag on the meters of its engine (one
     *                registry per deployment, so that several deployments scraped together stay apart); not on
     *                the HTTP API's, which serves other task hubs too. Null for none.
     */
    public TaskhubMeters(String taskHub) {
        if (taskHub != null) {
            Tag hub = Tag.of("taskhub", taskHub);
            registry.config().meterFilter(new MeterFilter() {
                @Override
                public Meter.Id map(Meter.Id id) {
                    boolean engine = id.getName().startsWith("taskhub.") && !id.getName().startsWith("taskhub.http.");
                    return engine ? id.withTag(hub) : id;
                }
            });
        }
        registry.add(prometheus);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        steps = Timer.builder("taskhub.orchestration.step").description("One orchestration step, claim to commit")
                .publishPercentileHistogram().register(registry);
        leasesLost = Counter.builder("taskhub.lease.lost")
                .description("Work whose lease was lost before its result was committed (another worker redoes it)")
                .register(registry);
        stepRetries = Counter.builder("taskhub.step.retries")
                .description("Orchestration steps that failed and are retried after a back-off").register(registry);
        dropped = Counter.builder("taskhub.messages.dropped")
                .description("Accepted messages dropped because their execution had ended (or given up as poison)")
                .register(registry);
    }

    /**
     * Adds the gauges of a task hub's waiting work, read from its store at most every few seconds:
     * {@code taskhub_backlog_messages{queue}} and {@code taskhub_backlog_oldest_seconds{queue}} (queue
     * {@code orchestrations} or {@code activities}), and {@code taskhub_work_without_worker{kind,name}}, the waiting
     * work of each orchestrator or activity that no live worker runs. They are read on a thread of their own every
     * five seconds, never while a scrape waits.
     */
    public synchronized void watch(OrchestrationStore store, WorkerDirectory workers) {
        if (backlog != null) {
            return; // one task hub per deployment: its worker's
        }
        backlog = new BacklogSampler(store);
        for (String queue : List.of("orchestrations", "activities")) {
            boolean orchestrations = queue.equals("orchestrations");
            Gauge.builder("taskhub.backlog.messages", backlog, b -> b.cached()
                            .map(l -> (double) (orchestrations ? l.orchestrationMessages() : l.activityTasks()))
                            .orElse(Double.NaN))
                    .description("Visible orchestration messages, or activity tasks nobody holds")
                    .tag("queue", queue).register(registry);
            Gauge.builder("taskhub.backlog.oldest", backlog, b -> b.oldestAge(orchestrations))
                    .description("Age of the oldest visible orchestration message, or activity task nobody holds")
                    .baseUnit("seconds").tag("queue", queue).register(registry);
        }
        MultiGauge withoutWorker = MultiGauge.builder("taskhub.work.without.worker")
                .description("Waiting work of an orchestrator or activity that no live worker runs").register(registry);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "taskhub-metrics");
            thread.setDaemon(true);
            return thread;
        });
        BacklogSampler sampler = backlog;
        refresher.scheduleWithFixedDelay(() -> {
            try {
                withoutWorker.register(WorkWithoutWorker.rows(sampler.refresh(), workers), true);
            } catch (RuntimeException e) {
                // the storage is away for now: keep the last rows, try again at the next round
            }
        }, 0, 5, TimeUnit.SECONDS);
    }

    /** Stops refreshing the gauges (the deployment closes). */
    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        gcMetrics.close();
        registry.close();
    }

    /** The registry every Taskhub meter is in; add a registry of your own to it to publish them elsewhere too. */
    public CompositeMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return prometheus.scrape();
    }

    @Override
    public void instanceStarted(String name) {
        started.computeIfAbsent(name, n -> Counter.builder("taskhub.instances.started")
                .description("Executions whose first step ran").tag("name", n).register(registry)).increment();
    }

    @Override
    public void instanceFinished(String name, RuntimeStatus status, Duration sinceCreated) {
        finished.computeIfAbsent(List.of(name, status.name()), key -> Counter.builder("taskhub.instances.finished")
                .description("Executions that ended, by final status").tag("name", name).tag("status", status.name())
                .register(registry)).increment();
        if (status.isTerminal()) {
            startToFinish.computeIfAbsent(name, n -> Timer.builder("taskhub.start.to.finish")
                    .description("From an instance's creation to its end").tag("name", n).publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofDays(7)).register(registry)).record(sinceCreated);
        }
    }

    @Override
    public void stepCommitted(Duration took) {
        steps.record(took);
    }

    @Override
    public void activityRan(String name, Duration took) {
        activities.computeIfAbsent(name, n -> Timer.builder("taskhub.activity")
                .description("One run of an activity, whatever its outcome").tag("name", n).publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofHours(1)).register(registry)).record(took);
    }

    @Override
    public void leaseLost() {
        leasesLost.increment();
    }

    @Override
    public void poisoned(String kind) {
        Counter.builder("taskhub.poison").description("Work failed for good at the poison limit")
                .tag("kind", kind).register(registry).increment();
    }

    @Override
    public void stepRetried() {
        stepRetries.increment();
    }

    @Override
    public void messagesDropped(int count) {
        dropped.increment(count);
    }

    @Override
    public void requestServed(String method, String route, int status, Duration took) {
        Timer.builder("taskhub.http.requests").description("HTTP API requests, by route template and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5)).register(registry)
                .record(took);
    }
}
