package io.taskhub.core.worker;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.engine.ActivityHandOff;
import io.taskhub.core.engine.DroppedMessages;
import io.taskhub.core.engine.SessionCache;
import io.taskhub.core.engine.StartHandOff;
import io.taskhub.core.engine.StepProcessor;
import io.taskhub.core.lifecycle.InstanceLifecycle;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.core.telemetry.EngineMetrics;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.core.telemetry.TraceSpan;
import io.taskhub.ports.client.ManagementLinks;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.remote.RemoteWorkUnavailableException;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.store.ActivityClaim;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import io.taskhub.ports.store.TaskHandOff;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs orchestrations and activities of one task hub: claims work from the store, processes it and commits
 * it, with lease renewal, back-off on failure, a poison limit, and graceful shutdown (work in progress is
 * finished or left to expire and be redone; nothing acknowledged is lost).
 */
public final class TaskhubWorker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TaskhubWorker.class.getName());

    private final OrchestrationStore store;
    private final WorkerOptions options;
    private final SessionCache cache;
    private final OrchestrationRegistry registry;
    private final StepProcessor steps;
    private final DroppedMessages droppedMessages = new DroppedMessages();
    private final ActivityRunner activities;
    private final UnknownNames unknownNames;
    private final List<Thread> threads = new ArrayList<>();
    /**
     * One place per activity this worker may run at once; claimed activities and those handed over by its steps'
     * commits share them.
     */
    private final Semaphore activityPlaces;
    /**
     * One place per step this worker may run at once from its claims and the starts handed to it; the steps that
     * follow an activity on its thread use that activity's place.
     */
    private final Semaphore orchestrationPlaces;
    /** Runs handed-over activities (and the steps and activities that follow them), bounded by the places. */
    private ExecutorService handedOffRunner;
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean running;
    private LeaseKeeper leases;
    private WorkerPresence presence;
    private volatile WorkContext context = WorkContext.NONE;
    private volatile EngineMetrics metrics = EngineMetrics.NONE;
    private volatile EngineTracing tracing = EngineTracing.NONE;
    private final SuspectGate suspects;
    /** The names this worker runs, as claim filters: made once at start, not at every claim. */
    private volatile NameFilter ownOrchestrators;
    private volatile NameFilter ownActivities;
    /** Where work for names this worker lacks runs; null: such work waits for a worker that has them. */
    private volatile RemoteWorkers remote;

    public TaskhubWorker(OrchestrationStore store, OrchestrationRegistry registry, WorkerOptions options) {
        this(store, registry, options, new DefaultTaskhubClient(store, registry), ManagementLinks.NONE);
    }

    /**
     * @param client what activities get as {@code ActivityContext.client()}: a client of this worker's task hub
     * @param links  what makes {@code ActivityContext.instanceManagementPayload()}
     */
    public TaskhubWorker(OrchestrationStore store, OrchestrationRegistry registry, WorkerOptions options,
            TaskhubClient client, ManagementLinks links) {
        this.store = store;
        this.registry = registry;
        this.options = options;
        this.cache = new SessionCache(options.maxCachedInstances(), options.unwindGrace());
        this.steps = new StepProcessor(store, registry::orchestrator, cache, options.poisonLimit(),
                options.unwindGrace(), droppedMessages);
        this.activities = new ActivityRunner(registry, options.poisonLimit(), client, links);
        this.unknownNames = new UnknownNames(options, new WorkerDirectory(store));
        this.activityPlaces = new Semaphore(options.activityConcurrency());
        this.orchestrationPlaces = new Semaphore(options.orchestrationConcurrency());
        this.suspects = new SuspectGate(options.poisonLimit());
    }

    /** Where the worker's events are counted (see {@link EngineMetrics}); before {@link #start()}. */
    public TaskhubWorker withMetrics(EngineMetrics engineMetrics) {
        EngineMetrics guarded = EngineMetrics.guarded(java.util.Objects.requireNonNull(engineMetrics, "engineMetrics"));
        this.metrics = guarded;
        steps.reportTo(guarded);
        droppedMessages.reportTo(guarded);
        return this;
    }

    /** Where the spans of the worker's steps and activity runs go (see {@link EngineTracing}); before {@link #start()}. */
    public TaskhubWorker withTracing(EngineTracing engineTracing) {
        this.tracing = java.util.Objects.requireNonNull(engineTracing, "engineTracing");
        steps.traceTo(engineTracing);
        return this;
    }

    /** Where the worker marks the instance each thread works for (log lines' context); before {@link #start()}. */
    public TaskhubWorker withWorkContext(WorkContext workContext) {
        this.context = java.util.Objects.requireNonNull(workContext, "workContext");
        return this;
    }

    /**
     * Hands the work whose orchestrator or activity this worker lacks to remote workers (the Durable Task protocol's),
     * while one is connected; each step or activity there waits at most {@code timeout} for its answer. Before
     * {@link #start()}. The worker then announces that it runs any name.
     */
    public TaskhubWorker withRemoteWorkers(RemoteWorkers workers, Duration timeout) {
        this.remote = java.util.Objects.requireNonNull(workers, "workers");
        steps.runRemotely(workers, timeout);
        activities.runRemotely(workers, timeout);
        return this;
    }

    /** Whether work this worker lacks can go to a remote worker now. */
    private boolean remoteConnected() {
        RemoteWorkers workers = remote;
        return workers != null && workers.connected();
    }

    public synchronized TaskhubWorker start() {
        if (running) {
            return this;
        }
        store.createTaskHubIfNotExists();
        ownOrchestrators = NameFilter.only(registry.orchestratorNames());
        ownActivities = NameFilter.only(registry.activityNames());
        leases = new LeaseKeeper(options.leaseDuration());
        // Announced before the first claim, so the task hub never sees this worker's work as nobody's.
        presence = new WorkerPresence(store, options.workerId(), registry, remote != null).start();
        AtomicInteger runners = new AtomicInteger();
        handedOffRunner = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "taskhub-handed-off-" + runners.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // Last: a client handing starts to this worker sees everything above once it sees it running.
        running = true;
        for (int i = 0; i < options.orchestrationConcurrency(); i++) {
            threads.add(startThread("taskhub-orchestrations-" + i, this::orchestrationLoop));
        }
        for (int i = 0; i < options.activityConcurrency(); i++) {
            threads.add(startThread("taskhub-activities-" + i, this::activityLoop));
        }
        return this;
    }

    private static Thread startThread(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public String taskHub() {
        return store.taskHubName();
    }

    public WorkerOptions options() {
        return options;
    }

    private void orchestrationLoop() {
        while (running) {
            // A place for what this claim finds, shared with the starts handed to this worker.
            if (!acquire(orchestrationPlaces)) {
                continue;
            }
            // Only what this worker can run: work for other names waits for a worker that has them.
            Optional<OrchestrationWorkItem> claimed = claim(() -> store.claimOrchestrationWorkItem(
                    options.workerId(), options.leaseDuration(), options.maxMessagesPerStep(),
                    unknownNames.claimFilter(ownOrchestrators, WorkerRegistration::orchestrators, remoteConnected())),
                    orchestrationPlaces::release);
            if (claimed.isEmpty()) {
                continue;
            }
            try {
                OrchestrationWorkItem item = claimed.get();
                if (registry.orchestrator(item.instance().name()).isEmpty() && !remoteConnected()
                        && handedBackUntilItsTime(item)) {
                    suspects.released();
                    continue;
                }
                runStep(item, false).forEach(this::dispatch);
            } finally {
                orchestrationPlaces.release();
            }
        }
    }

    /**
     * Takes a place, waiting for one at most a moment: looked for again and again, so that a stop is noticed while
     * every place is taken. False without a place.
     */
    private boolean acquire(Semaphore places) {
        try {
            if (!places.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException stopping) {
            return false;
        }
        if (!running) {
            places.release();
            return false;
        }
        return true;
    }

    private void activityLoop() {
        while (running) {
            // A place for what this claim finds, shared with handed-over activities.
            if (!acquire(activityPlaces)) {
                continue;
            }
            Optional<ActivityWorkItem> claimed = claim(() -> store.claimActivityWorkItem(options.workerId(),
                    options.leaseDuration(), unknownNames.claimFilter(ownActivities, WorkerRegistration::activities,
                            remoteConnected())),
                    activityPlaces::release);
            if (claimed.isEmpty()) {
                continue;
            }
            ActivityWorkItem item = claimed.get();
            if (registry.activity(item.task().name()).isEmpty() && !remoteConnected()
                    && handedBackUntilItsTime(item)) {
                activityPlaces.release();
                suspects.released();
                continue;
            }
            runChain(item);
        }
    }

    /**
     * Runs an activity this worker holds (claimed, or handed over by a step's commit) and then, as far as the store
     * hands them over, the step its result brings and the first activity that step schedules, and so on, all on
     * this thread: a sequence of steps and activities runs without a claim or a wake-up between them. Holds one
     * activity place for {@code first}, and releases it.
     */
    private void runChain(ActivityWorkItem first) {
        ActivityWorkItem activity = first;
        while (activity != null) {
            Next next = Next.NOTHING;
            try {
                next = runActivity(activity);
            } finally {
                if (!next.keepsPlace()) {
                    activityPlaces.release();
                }
            }
            activity = null;
            if (next.keepsPlace()) { // the activity claimed with the result takes the finished one's place
                ActivityWorkItem claimed = next.activities().get(0);
                if (running) {
                    activity = claimed;
                } else {
                    giveBack(claimed);
                }
                continue;
            }
            List<ActivityWorkItem> handedOff = next.step() != null ? runStep(next.step(), false) : next.activities();
            if (!handedOff.isEmpty()) {
                handedOff.subList(1, handedOff.size()).forEach(this::dispatch);
                if (running) {
                    activity = handedOff.get(0);
                } else {
                    giveBack(handedOff.get(0));
                }
            }
        }
    }

    /**
     * What follows an activity on its thread: the step its result brings, claimed with the result (then run), or
     * the activities that step handed over when it was committed together with the result (their places
     * reserved), or ({@code keepsPlace}) the one activity claimed with the result, which takes the finished one's
     * place.
     */
    private record Next(OrchestrationWorkItem step, List<ActivityWorkItem> activities, boolean keepsPlace) {
        static final Next NOTHING = new Next(null, List.of(), false);

        Next(OrchestrationWorkItem step, List<ActivityWorkItem> activities) {
            this(step, activities, false);
        }

        static Next inPlaceOf(ActivityWorkItem claimed) {
            return new Next(null, List.of(claimed), true);
        }
    }

    /** Runs a handed-over activity on a thread of its own; while stopping, gives it back at once instead. */
    private void dispatch(ActivityWorkItem item) {
        try {
            handedOffRunner.execute(() -> {
                if (running) {
                    runChain(item);
                } else {
                    giveBack(item);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            giveBack(item);
        }
    }

    private void giveBack(ActivityWorkItem item) {
        activityPlaces.release();
        abandon(() -> store.abandonActivityWorkItem(item, Duration.ZERO));
        suspects.released();
    }

    /**
     * Processes one step; returns the activities its commit handed to this worker (their places reserved). When the
     * commit claimed the instance again (after a step of several messages, as in a fan-in), the steps that follow run
     * here too, one after another, and what each hands over is dispatched at once.
     *
     * @param created whether the store handed the item over at the instance's creation (it has no history yet)
     */
    private List<ActivityWorkItem> runStep(OrchestrationWorkItem item, boolean created) {
        StepCommit done = runOneStep(item, created);
        if (done.next().isEmpty()) {
            return done.handedOff();
        }
        done.handedOff().forEach(this::dispatch);
        OrchestrationWorkItem next = done.next().get();
        while (next != null) {
            if (!running) {
                OrchestrationWorkItem unstarted = next;
                abandon(() -> store.returnOrchestrationWorkItem(unstarted));
                suspects.released();
                break;
            }
            StepCommit more = runOneStep(next, false);
            more.handedOff().forEach(this::dispatch);
            next = more.next().orElse(null);
        }
        return List.of();
    }

    private StepCommit runOneStep(OrchestrationWorkItem item, boolean created) {
        // The lease is kept while the item waits for its turn at the gate, as while it runs.
        leases.track(item, () -> store.renewOrchestrationWorkItem(item, options.leaseDuration()));
        try {
            // Code that runs remotely cannot crash this process: it is never a suspect here.
            int attempts = registry.orchestrator(item.instance().name()).isEmpty() && remote != null ? 1
                    : item.dequeueCount();
            if (!enterGate(attempts)) {
                abandon(() -> store.returnOrchestrationWorkItem(item));
                suspects.released();
                return StepCommit.NONE;
            }
            try {
                StepCommit done = runStepInGate(item, created);
                // held from its commit, before this step leaves the gate
                suspects.handedOver(done.handedOff().size() + (done.next().isPresent() ? 1 : 0));
                return done;
            } finally {
                suspects.leave(attempts);
            }
        } finally {
            leases.untrack(item);
        }
    }

    /** Whether work of {@code attempts} may start now (see {@link SuspectGate}); if not, it goes back uncounted. */
    private boolean enterGate(int attempts) {
        try {
            return suspects.enter(attempts);
        } catch (InterruptedException stopping) {
            return false; // the worker stops: the work goes back
        }
    }

    private StepCommit runStepInGate(OrchestrationWorkItem item, boolean created) {
        busy.incrementAndGet();
        context.enter(item.instanceId(), item.instance().executionId(), item.instance().name());
        try {
            if (created) {
                return StepCommit.of(steps.processCreated(item, handOff));
            }
            // Claimed again only while nothing suspected of crashing the process waits to run alone (SuspectGate).
            return options.handOffWork() && running && !suspects.holds()
                    ? steps.process(item, handOff, new InstanceClaim(options.workerId(), options.leaseDuration(),
                            options.maxMessagesPerStep(), ownOrchestrators))
                    : StepCommit.of(steps.process(item, handOff));
        } catch (RemoteWorkUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, "A step of instance " + item.instanceId() + " goes back: "
                    + e.getMessage());
            abandon(() -> store.returnOrchestrationWorkItem(item));
        } catch (LockLostException e) {
            metrics.leaseLost();
            LostWork.Explanation why = LostWork.step(item, currentInstance(item.instanceId()), e);
            LOG.log(why.level(), why.text());
        } catch (RuntimeException | Error e) {
            metrics.stepRetried();
            logRetry("A step of instance " + item.instanceId(), item.dequeueCount(), e);
            abandon(() -> store.abandonOrchestrationWorkItem(item, options.backoff(item.dequeueCount())));
        } finally {
            context.leave();
            leases.untrack(item);
            busy.decrementAndGet();
        }
        return StepCommit.NONE;
    }

    /** Runs one activity and commits its result ({@link #complete}); returns what follows on this thread. */
    private Next runActivity(ActivityWorkItem item) {
        leases.track(item, () -> store.renewActivityWorkItem(item, options.leaseDuration()));
        try {
            int attempts = registry.activity(item.task().name()).isEmpty() && remote != null ? 1
                    : item.dequeueCount(); // (remote code cannot crash this process)
            if (!enterGate(attempts)) {
                abandon(() -> store.returnActivityWorkItem(item));
                suspects.released();
                return Next.NOTHING;
            }
            try {
                Next next = runActivityInGate(item);
                suspects.handedOver(next.step() != null ? 1 : next.activities().size());
                return next;
            } finally {
                suspects.leave(attempts);
            }
        } finally {
            leases.untrack(item);
        }
    }

    private Next runActivityInGate(ActivityWorkItem item) {
        busy.incrementAndGet();
        context.enter(item.task().instanceId(), item.task().executionId(), item.task().name());
        try {
            long started = System.nanoTime();
            InstanceMessage result;
            ActivityTask task = item.task();
            try (TraceSpan span = tracing.activity(task.name(), task.instanceId(), task.taskId(), task.traceParent())) {
                result = activities.run(item, store.now());
                if (result.event() instanceof TaskFailed failed) {
                    span.failed(failed.failure().summary());
                }
            }
            metrics.activityRan(item.task().name(), Duration.ofNanos(System.nanoTime() - started));
            Next next = complete(item, result);
            if (item.dequeueCount() > options.poisonLimit()) {
                metrics.poisoned("activity"); // once: its failure is the result just committed
            }
            return next;
        } catch (RemoteWorkUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, "Activity " + item.task().name() + " for " + item.task().instanceId()
                    + " goes back: " + e.getMessage());
            abandon(() -> store.returnActivityWorkItem(item));
        } catch (LockLostException e) {
            metrics.leaseLost();
            LostWork.Explanation why = LostWork.activity(item, currentInstance(item.task().instanceId()), e);
            LOG.log(why.level(), why.text());
        } catch (RuntimeException | Error e) {
            // An Error from activity code (out of memory, a crash) is treated like a crashed worker: the
            // task is retried, and the poison limit ends it if it keeps happening.
            logRetry("Activity " + item.task().name() + " for " + item.task().instanceId(), item.dequeueCount(), e);
            abandon(() -> store.abandonActivityWorkItem(item, options.backoff(item.dequeueCount())));
        } finally {
            context.leave();
            leases.untrack(item);
            busy.decrementAndGet();
        }
        return Next.NOTHING;
    }

    /**
     * Commits an activity's result: with the step it brings where this worker holds the instance's session and
     * nothing else awaits, else with the claim of its instance, else with the claim of the next activity task this
     * worker runs (none while a suspect holds the process).
     */
    private Next complete(ActivityWorkItem item, InstanceMessage result) {
        if (options.handOffWork() && running) {
            Optional<List<ActivityWorkItem>> withStep = steps.completeWithStep(item, result, handOff);
            if (withStep.isPresent()) {
                return new Next(null, withStep.get());
            }
            if (steps.continuesWith(item.task().instanceId())) {
                return new Next(store.completeActivityWorkItem(item, result, new InstanceClaim(options.workerId(),
                        options.leaseDuration(), options.maxMessagesPerStep(), ownOrchestrators)).orElse(null),
                        List.of());
            }
        }
        if (options.handOffWork() && running && !suspects.holds()) {
            return store.completeActivityAndClaimNext(item, result, new ActivityClaim(options.workerId(),
                    options.leaseDuration(), ownActivities)).map(Next::inPlaceOf).orElse(Next.NOTHING);
        }
        store.completeActivityWorkItem(item, result);
        return Next.NOTHING;
    }

    /**
     * Places for a step's activities among this worker's activity places: as many as are free, for the activities
     * this worker runs.
     */
    private final ActivityHandOff handOff = new ActivityHandOff() {
        @Override
        public TaskHandOff reserve(int wanted) {
            if (!options.handOffWork() || !running) {
                return null;
            }
            int reserved = 0;
            while (reserved < wanted && activityPlaces.tryAcquire()) {
                reserved++;
            }
            return reserved == 0 ? null
                    : new TaskHandOff(options.workerId(), options.leaseDuration(), reserved, ownActivities);
        }

        @Override
        public void release(int places) {
            if (places > 0) {
                activityPlaces.release(places);
            }
        }
    };

    /**
     * The starts of this worker's task hub made in this process: taken while an orchestration place is free and
     * nothing suspected of crashing the process runs alone, for the orchestrators this worker runs itself.
     */
    private final StartHandOff starts = new StartHandOff() {
        @Override
        public InstanceClaim reserve(String orchestrator) {
            if (!options.handOffWork() || !running || registry.orchestrator(orchestrator).isEmpty()
                    || !orchestrationPlaces.tryAcquire()) {
                return null;
            }
            // Held from before its creation, as a claim is (SuspectGate): a suspect that starts meanwhile waits.
            if (!suspects.tryBeginClaim()) {
                orchestrationPlaces.release();
                return null;
            }
            return new InstanceClaim(options.workerId(), options.leaseDuration(), options.maxMessagesPerStep(),
                    ownOrchestrators);
        }

        @Override
        public boolean createWithFirstStep(String instanceId, ExecutionStarted started) {
            if (!options.firstStepBeforeStore() || !store.createsWithFirstStep() || !running) {
                return false;
            }
            if (!enterGate(1)) {
                return false; // still held as reserved: the caller creates it for claiming
            }
            boolean stored = false;
            List<ActivityWorkItem> handed = List.of();
            busy.incrementAndGet();
            try {
                context.enter(instanceId, started.executionId(), started.name());
                try {
                    Optional<List<ActivityWorkItem>> created = steps.processNew(unstoredStart(instanceId, started),
                            handOff);
                    stored = created.isPresent();
                    handed = created.orElse(List.of());
                } catch (RuntimeException | Error e) {
                    stored = storedAnyway(instanceId, started, e);
                } finally {
                    context.leave();
                }
            } finally {
                busy.decrementAndGet();
                // Held from the commit, before this step leaves the gate; not stored, it is held again as reserved
                // for the usual creation (a throw included: the caller then gives the reservation back).
                suspects.handedOver(stored ? handed.size() : 1);
                suspects.leave(1);
            }
            if (!stored) {
                return false;
            }
            if (!running) {
                cache.clear(); // stopped meanwhile: the session just kept would outlive the worker
            }
            orchestrationPlaces.release();
            handed.forEach(TaskhubWorker.this::dispatch);
            return true;
        }

        @Override
        public void run(OrchestrationWorkItem created) {
            try {
                handedOffRunner.execute(() -> {
                    try {
                        if (running) {
                            runStep(created, true).forEach(TaskhubWorker.this::dispatch);
                        } else {
                            giveBack(created);
                        }
                    } finally {
                        orchestrationPlaces.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                giveBack(created);
                orchestrationPlaces.release();
            }
        }

        @Override
        public void release() {
            suspects.released();
            orchestrationPlaces.release();
        }
    };

    /**
     * After the first step of a new instance failed to be stored with it: whether it was stored nonetheless (the
     * commit went through and what came after it failed, a connection lost on the way back, say), which the
     * instance's current execution tells. Where it cannot be told, the start goes the usual way, whose start rules
     * then decide.
     */
    private boolean storedAnyway(String instanceId, ExecutionStarted started, Throwable failure) {
        boolean stored;
        try {
            stored = store.getInstance(instanceId).filter(i -> i.executionId().equals(started.executionId()))
                    .isPresent();
        } catch (RuntimeException readFailed) {
            failure.addSuppressed(readFailed);
            stored = false;
        }
        LOG.log(System.Logger.Level.WARNING, "The first step of new instance " + instanceId + " failed to be"
                + " stored with it (" + failure + ")" + (stored ? ", yet the instance was stored: it goes on from"
                + " there, and what that step handed to this worker waits for its lease to run out"
                : "; the instance is created first, as usual"));
        return stored;
    }

    /** The lease token of an unstored start's work item: nothing holds it, nothing checks it. */
    private static final String UNSTORED = "unstored";

    /**
     * A new instance's work item as a claim at its creation would return it, not stored: Pending, its start its one
     * message, at a revision that the store makes one more. The revision is this clock's microseconds (PostgreSQL
     * gives new rows its own clock's), so that a waiter who knew an earlier instance of the id, purged since, sees it
     * change; a recreated id starting below its old revision needs clocks apart by more than that instance's age.
     */
    private OrchestrationWorkItem unstoredStart(String instanceId, ExecutionStarted started) {
        Instant now = store.now();
        long revision = ChronoUnit.MICROS.between(Instant.EPOCH, now) - 1;
        return new OrchestrationWorkItem(instanceId, InstanceLifecycle.pending(instanceId, started, now, revision),
                List.of(new InstanceMessage(instanceId, started.executionId(), started, started.scheduledStartAt())),
                1, new Lease(options.workerId(), UNSTORED, now.plus(options.leaseDuration())), null);
    }

    /** Where the clients of this worker's task hub in this process hand their starts (see {@link StartHandOff}). */
    public StartHandOff startHandOff() {
        return starts;
    }

    private void giveBack(OrchestrationWorkItem item) {
        abandon(() -> store.returnOrchestrationWorkItem(item));
        suspects.released();
    }

    /** The instance as stored now; null when even that cannot be read. */
    private Optional<InstanceMetadata> currentInstance(String instanceId) {
        try {
            return store.getInstance(instanceId);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * An instance whose orchestrator no running worker has (claimed only under {@code unknownNameTimeout}): handed
     * back until it has waited that long since this worker first met it, then processed, which fails it. Any
     * failure here releases the work item rather than ending the thread.
     *
     * @return true when it was handed back
     */
    private boolean handedBackUntilItsTime(OrchestrationWorkItem item) {
        InstanceMetadata instance = item.instance();
        String key = "instance " + item.instanceId();
        try {
            if (options.unknownNameTimeout() == null) {
                // not claimed by the name filter (a store that let it through): leave it for a worker that has it
                abandon(() -> store.abandonOrchestrationWorkItem(item, Duration.ofSeconds(1)));
                return true;
            }
            Duration remaining = unknownNames.remainingWait(key, store.now());
            if (!remaining.isNegative() && !remaining.isZero()) {
                abandon(() -> store.abandonOrchestrationWorkItem(item, UnknownNames.handBackFor(remaining)));
                return true;
            }
            unknownNames.done(key);
            LOG.log(System.Logger.Level.WARNING, "No running worker has orchestrator '" + instance.name()
                    + "': instance " + item.instanceId() + " waited longer than worker.unknownNameTimeout ("
                    + options.unknownNameTimeout().toSeconds() + " s) and is failed.");
            return false;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not decide on instance " + item.instanceId() + ": " + e);
            abandon(() -> store.abandonOrchestrationWorkItem(item, Duration.ofSeconds(1)));
            return true;
        }
    }

    /** The same for a task whose activity no running worker has. */
    private boolean handedBackUntilItsTime(ActivityWorkItem item) {
        String key = "task " + item.task().instanceId() + "/" + item.task().executionId() + "/" + item.task().taskId();
        try {
            if (options.unknownNameTimeout() == null) {
                abandon(() -> store.abandonActivityWorkItem(item, Duration.ofSeconds(1)));
                return true;
            }
            Duration remaining = unknownNames.remainingWait(key, store.now());
            if (!remaining.isNegative() && !remaining.isZero()) {
                abandon(() -> store.abandonActivityWorkItem(item, UnknownNames.handBackFor(remaining)));
                return true;
            }
            unknownNames.done(key);
            LOG.log(System.Logger.Level.WARNING, "No running worker has activity '" + item.task().name()
                    + "': its task for instance " + item.task().instanceId() + " waited longer than"
                    + " worker.unknownNameTimeout (" + options.unknownNameTimeout().toSeconds() + " s) and is"
                    + " failed.");
            return false;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not decide on a task of " + item.task().instanceId() + ": "
                    + e);
            abandon(() -> store.abandonActivityWorkItem(item, Duration.ofSeconds(1)));
            return true;
        }
    }

    /**
     * Claims work; when there is none (or the claim fails), runs {@code whenNone} and then waits for work (or a
     * while) before returning empty.
     */
    private <T> Optional<T> claim(java.util.function.Supplier<Optional<T>> claimer, Runnable whenNone) {
        Optional<T> item;
        try {
            // Nothing is claimed while work suspected of crashing the process runs alone (SuspectGate).
            while (!suspects.beginClaim(options.maxIdleWait())) {
                if (!running) {
                    whenNone.run();
                    return Optional.empty();
                }
            }
        } catch (InterruptedException stopping) {
            whenNone.run();
            return Optional.empty();
        }
        try {
            item = claimer.get();
        } catch (Error e) {
            suspects.released();
            throw e;
        } catch (RuntimeException e) {
            suspects.released();
            whenNone.run();
            if (running) { // when stopping, the claim was interrupted on purpose
                LOG.log(System.Logger.Level.WARNING, "Could not claim work; retrying shortly: " + e.getMessage());
                sleepQuietly(options.maxIdleWait());
            }
            return Optional.empty();
        }
        if (item.isPresent()) {
            return item; // held (SuspectGate) until it starts or goes back
        }
        suspects.released();
        whenNone.run();
        try {
            store.awaitWork(options.maxIdleWait());
        } catch (InterruptedException stopping) {
            // the loop checks whether the worker still runs
        } catch (RuntimeException e) {
            if (running) { // when stopping, the wait (a read of the store) was interrupted on purpose
                LOG.log(System.Logger.Level.WARNING, "Could not wait for work; retrying shortly: " + e.getMessage());
                sleepQuietly(options.maxIdleWait());
            }
        }
        return Optional.empty();
    }

    /**
     * A failed attempt is retried until the poison limit; its stack trace is logged on the first attempt and on
     * the last one before the limit, the attempts between get one line each (a poisoned item would otherwise
     * flood the log).
     */
    private void logRetry(String what, int attempt, Throwable error) {
        String message = what + " failed (attempt " + attempt + " of " + options.poisonLimit()
                + " before it is given up); it will be retried: " + error;
        if (attempt <= 1 || attempt == options.poisonLimit()) {
            LOG.log(System.Logger.Level.ERROR, message, error);
        } else {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    /** Messages dropped by the rule for finished executions (see {@link DroppedMessages}). */
    public DroppedMessages droppedMessages() {
        return droppedMessages;
    }

    private static void abandon(Runnable abandon) {
        try {
            abandon.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not release work; its lease will expire instead: " + e);
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Work items being processed right now. */
    public int busyCount() {
        return busy.get();
    }

    /**
     * Stops claiming work, lets work in progress finish for up to {@code grace}, then stops. Work that did not
     * finish is not committed; its lease expires and another worker (or this one, restarted) redoes it.
     */
    public synchronized void stop(Duration grace) {
        if (!running) {
            return;
        }
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            if (busy.get() == 0) {
                thread.interrupt(); // only idle waits remain: wake them
            }
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.forEach(Thread::interrupt);
        threads.clear();
        handedOffRunner.shutdown(); // what was handed over and not started is given back
        try {
            if (!handedOffRunner.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                handedOffRunner.shutdownNow();
            }
        } catch (InterruptedException e) {
            handedOffRunner.shutdownNow();
            Thread.currentThread().interrupt();
        }
        presence.close(); // withdrawn once no work of this worker is left running
        leases.close();
        cache.clear();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
