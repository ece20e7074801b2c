package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite, for one backend: two {@code taskhub serve} processes (the built jar, with {@link ChaosPlugin})
 * share a mixed workload of {@value #INSTANCES} instances (fewer where the backend is slow, see {@link #instances})
 * started over HTTP while a driver kills a random one of
 * them with SIGKILL at random moments, {@value #KILLS} times (at least {@value #MIN_KILLS}, fewer only once
 * {@link #KILL_PHASE} has passed: each restart waits for the new process to serve, which takes several times as
 * long on a loaded machine), and starts it again; then one of them is paused
 * (SIGSTOP) past its leases while it runs activities and resumed, and must not commit what it finishes late. At
 * the end every acknowledged start exists and finished with the right output, no history holds an event twice,
 * and every activity's result was recorded once, however often the activity ran (counted and reported). Beside
 * the workload run an orchestrator and an activity that crash the process running them, every time: they are failed
 * at the poison limit ({@value #POISON_LIMIT}) while the rest flows, and a watchdog restarts every process that
 * dies. Last, where the backend has a server (PostgreSQL, Azurite), the database is stopped with work in flight:
 * both servers answer 503 and report themselves not ready meanwhile, and finish everything once it is back. The
 * seed is printed; set {@code chaos.seed} to replay the same schedule of kills (as far as the kill phase's time
 * allows).
 */
abstract class ChaosContract {
    static final int INSTANCES = 168;
    static final int KILLS = 10;
    static final int MIN_KILLS = 5;
    static final java.time.Duration KILL_PHASE = java.time.Duration.ofSeconds(90);
    static final int POISON_LIMIT = 6;
    private static final int OUTAGE_INSTANCES = 24;
    private static final List<String> KINDS = List.of(ChaosPlugin.SEQUENCE, ChaosPlugin.FAN_OUT,
            ChaosPlugin.TIMER, ChaosPlugin.EVENT, ChaosPlugin.PARENT, ChaosPlugin.LOOP);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept when the test fails: the servers' logs are in its logs folder. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    /** The backend's settings for both processes; closed after the test. */
    abstract Storage storage(Path directory);

    /** The same storage opened in this JVM, to read what was stored. */
    abstract StorageBackend open(Storage storage);

    abstract String backendName();

    /**
     * The database server both processes use, for the outage phase; null where there is none to stop (SQLite).
     * Created by {@link #storage}.
     */
    Database database() {
        return null;
    }

    /** A database server the suite can stop and start again. */
    interface Database {
        /** Stops it abruptly, with connections open and work in flight. */
        void stop();

        /** Starts it again with the data it had. */
        void start();
    }

    /**
     * The instances of the workload: a multiple of the six kinds. A backend on an emulator a tenth as fast as the
     * others (Azure Storage on Azurite) runs fewer, to stay within the test command's time; it meets every kill,
     * the pause, the crashing work and the outage all the same.
     */
    int instances() {
        return INSTANCES;
    }

    /**
     * The lease on claimed work, in seconds: short, so that a killed process's work moves on quickly, yet long
     * enough for the backend's renewals on a loaded machine.
     */
    int leaseSeconds() {
        return 2;
    }

    /** Settings of this backend's chaos run besides {@link #storage}'s. */
    Map<String, String> moreSettings() {
        return Map.of();
    }

    /** The task hub both processes run (setting {@code taskhub}). */
    String taskHub() {
        return "TaskHub";
    }

    /** An acknowledged start: the server answered 202. */
    private record Started(String id, String orchestrator, String eventPayload) {
    }

    @Test
    void workersKilledPausedAndCutOff_loseNothing_recordEachResultOnce_andPoisonOnlyWhatCrashes() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        long began = System.nanoTime();
        System.out.printf("chaos %s: seed %d, servers' logs in %s%n", backendName(), seed, dir.resolve("logs"));
        Path runs = dir.resolve("activity-runs.txt");
        try (Storage storage = storage(dir)) {
            TaskhubProcess taskhub = servers(storage, Map.of(ChaosPlugin.RUNS_FILE, runs.toString()));
            List<Started> started;
            int kills;
            int crashes;
            double refusedLate;
            double workloadSeconds;
            String outage = "no database server to stop";
            try (Workers workers = new Workers(taskhub, dir.resolve("logs"))) {
                List<String> crashingActivity = startUntilAcknowledged(workers,
                        ChaosPlugin.CALLS_CRASHING_ACTIVITY, "crashing-activity");
                List<String> crashingOrchestrator = startUntilAcknowledged(workers,
                        ChaosPlugin.CRASHING_ORCHESTRATOR, "crashing-orchestrator");
                Killer killer = new Killer(workers, new Random(random.nextLong()));
                killer.start();
                try {
                    started = startWorkload(workers, random);
                    killer.join();
                } finally {
                    if (killer.isAlive()) {
                        killer.interrupt(); // the workload failed: no more kills
                        killer.join();
                    }
                }
                kills = killer.kills.get();
                if (killer.failure != null) {
                    throw killer.failure;
                }
                assertFinishedAsExpected(workers, started);
                assertPoisoned(workers, crashingActivity, crashingOrchestrator);
                crashes = workers.crashes.get();
                workloadSeconds = (System.nanoTime() - began) / 1e9;
                Paused paused = pauseOneServer(workers, runs);
                started.addAll(paused.started());
                refusedLate = paused.refused();
                if (database() != null) {
                    long outageBegan = System.nanoTime();
                    started.addAll(cutOffTheDatabase(workers, database()));
                    outage = String.format("database stopped and started again with %d instances in flight, both"
                            + " servers not ready meanwhile, %.1f s", OUTAGE_INSTANCES,
                            (System.nanoTime() - outageBegan) / 1e9);
                }
                assertThat(workers.crashes.get()).as("processes that died after the crashing instances were failed")
                        .isEqualTo(crashes);
            }
            Map<String, Long> runsPerTask = Files.exists(runs) ? Files.readAllLines(runs).stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())) : Map.of();
            int recordedResults = 0;
            try (StorageBackend backend = open(storage)) {
                OrchestrationStore hub = backend.taskHub(taskHub());
                for (Started s : started) {
                    recordedResults += assertRecordedOnce(hub, s.id(), runsPerTask);
                    if (s.orchestrator().equals(ChaosPlugin.PARENT)) {
                        recordedResults += assertRecordedOnce(hub, s.id() + "-child", runsPerTask);
                    }
                }
            }
            long redone = runsPerTask.values().stream().filter(n -> n > 1).count();
            long activityRuns = runsPerTask.values().stream().mapToLong(Long::longValue).sum();
            assertThat(kills).isGreaterThanOrEqualTo(MIN_KILLS);
            String crashed = String.format("%d crashes by the crashing orchestrator and activity"
                    + " (both failed at the poison limit %d) and restarts", crashes, POISON_LIMIT);
            System.out.printf("chaos %s (seed %d): %d kills and restarts, %s, a pause past the leases (%.0f late"
                    + " commits refused), %s; %d instances acknowledged and finished, %d activity results recorded"
                    + " once each from %d runs (%d activities ran more than once), lost 0, duplicated 0, %.1f s"
                    + " (%.1f s until the workload under kills had finished)%n",
                    backendName(), seed, kills, crashed, refusedLate, outage, started.size(), recordedResults,
                    activityRuns, redone, (System.nanoTime() - began) / 1e9, workloadSeconds);
        }
    }

    private static void assertFinishedAsExpected(Workers workers, List<Started> started) throws IOException {
        for (Started s : started) {
            JsonNode done;
            try {
                done = workers.awaitFinished(s.id());
            } catch (AssertionError | RuntimeException stuck) {
                workers.dumpThreads(); // what the servers were doing while the instance did not move
                throw stuck;
            }
            assertThat(done.path("runtimeStatus").asText()).as("%s %s: %s", s.orchestrator(), s.id(), done)
                    .isEqualTo("Completed");
            assertThat(done.path("output")).as("%s %s", s.orchestrator(), s.id())
                    .isEqualTo(JSON.readTree(ChaosPlugin.expectedOutput(s.orchestrator(), s.eventPayload())));
        }
    }

    /**
     * Starts {@code orchestrator} under a new id per attempt until a server acknowledges one, or a start that got
     * no answer is found stored (the server asked may be taken down by a crashing instance meanwhile: a start is
     * handed to the worker of the server that accepts it, and the crashing orchestrator's first step can end that
     * process before its answer is out); returns every id tried, the one acknowledged or found last.
     */
    private static List<String> startUntilAcknowledged(Workers workers, String orchestrator, String baseId)
            throws InterruptedException {
        List<String> tried = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            String id = baseId + "-" + attempt;
            tried.add(id);
            try {
                workers.any().start(orchestrator, id, null);
                return tried;
            } catch (AssertionError notAcknowledged) {
                if (attempt > 20) {
                    throw notAcknowledged;
                }
                Thread.sleep(200);
                if (storedAsFarAsTheServersSay(workers, id)) {
                    return tried;
                }
            }
        }
    }

    /** Whether a live server reports the instance; false also when none answers now. */
    private static boolean storedAsFarAsTheServersSay(Workers workers, String id) {
        try {
            return workers.any().status(id).isPresent();
        } catch (AssertionError noAnswer) {
            return false;
        }
    }

    /**
     * Each crashing activity was given up at the poison limit, and its orchestrator went on with the failure; each
     * crashing orchestrator was failed. The acknowledged starts must exist; an unanswered one counts if stored.
     */
    private static void assertPoisoned(Workers workers, List<String> crashingActivity,
            List<String> crashingOrchestrator) {
        for (String id : crashingActivity) {
            JsonNode caller = workers.awaitFinishedIfStored(id, id.equals(crashingActivity.get(crashingActivity.size()
                    - 1)));
            if (caller != null) {
                assertThat(caller.path("runtimeStatus").asText()).as("%s", caller).isEqualTo("Completed");
                assertThat(caller.path("output").asText()).as("%s", caller).startsWith("PoisonMessage: Activity '"
                        + ChaosPlugin.CRASHING_ACTIVITY + "' did not complete after")
                        .contains("(the limit is " + POISON_LIMIT + ")");
            }
        }
        for (String id : crashingOrchestrator) {
            JsonNode crashing = workers.awaitFinishedIfStored(id, id.equals(crashingOrchestrator.get(
                    crashingOrchestrator.size() - 1)));
            if (crashing != null) {
                assertThat(crashing.path("runtimeStatus").asText()).as("%s", crashing).isEqualTo("Failed");
                assertThat(crashing.path("output").asText()).as("%s", crashing)
                        .startsWith("PoisonMessage: Instance '" + id + "' could not complete a step after")
                        .contains("(the limit is " + POISON_LIMIT + ")");
            }
        }
        // Each crashed the process running it at least once (a kill may have ended some of their attempts first).
        assertThat(workers.crashes.get()).as("processes the crashing functions ended").isGreaterThanOrEqualTo(2);
    }

    /**
     * Starts instances, stops the database under them, and checks that both servers say they are not ready (503
     * from the readiness route) and refuse a start with 503 while it is away; then starts it again and checks that
     * both become ready by themselves and every instance finishes as it should.
     */
    private static List<Started> cutOffTheDatabase(Workers workers, Database database) throws Exception {
        List<Started> started = new ArrayList<>();
        for (int i = 0; i < OUTAGE_INSTANCES; i++) {
            String kind = KINDS.get(i % KINDS.size());
            String id = workers.any().start(kind, "outage-" + i,
                    kind.equals(ChaosPlugin.LOOP) ? "{\"round\":0,\"sum\":0}" : null);
            started.add(new Started(id, kind, kind.equals(ChaosPlugin.EVENT) ? "outage-" + i : null));
        }
        database.stop();
        try {
            for (ServeProcess server : workers.servers()) {
                org.awaitility.Awaitility.await("server " + server.rootUrl() + " not ready while the database is away")
                        .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(250))
                        .until(() -> readiness(server) == 503);
                assertThat(startStatus(server, "refused-while-away")).as("a start while the database is away")
                        .isEqualTo(503);
            }
        } finally {
            database.start();
        }
        for (ServeProcess server : workers.servers()) {
            org.awaitility.Awaitility.await("server " + server.rootUrl() + " ready again")
                    .atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofMillis(250))
                    .until(() -> readiness(server) == 200);
        }
        for (Started s : started) {
            if (s.eventPayload() != null) {
                workers.any().raiseEvent(s.id(), "go", JSON.valueToTree(s.eventPayload()).toString());
            }
        }
        assertFinishedAsExpected(workers, started);
        return started;
    }

    /** The status code of the server's readiness route; -1 when it does not answer at all. */
    private static int readiness(ServeProcess server) {
        return statusOf(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.rootUrl() + "/taskhub/v1/ready")).GET());
    }

    private static int startStatus(ServeProcess server, String id) {
        return statusOf(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                server.managementUrl() + "/orchestrators/" + ChaosPlugin.SEQUENCE + "/" + id))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    }

    private static int statusOf(java.net.http.HttpRequest.Builder request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.timeout(java.time.Duration.ofSeconds(30))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Then one server is paused (SIGSTOP) while it runs activities, for three leases, and resumed (SIGCONT): the
     * other server redoes its work meanwhile, and what the paused one finishes afterwards is refused (it counts
     * lost leases).
     */
    private Paused pauseOneServer(Workers workers, Path runs) throws Exception {
        ServeProcess paused = workers.slots.get(0);
        double lostBefore = leasesLost(paused);
        List<Started> started = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // Started through the server to be paused, whose worker hears of them first; activities of a second
            // each, which each worker takes from its own steps.
            String id = paused.api().start(ChaosPlugin.SLOW_SEQUENCE, "paused-" + i, null);
            started.add(new Started(id, ChaosPlugin.SLOW_SEQUENCE, null));
        }
        Path marker = ChaosPlugin.runningMarker(runs, paused.pid());
        org.awaitility.Awaitility.await("a slow activity running in the server to pause")
                .atMost(java.time.Duration.ofSeconds(60)).until(() -> Files.exists(marker));
        paused.pause();
        try {
            Thread.sleep(3_000L * leaseSeconds()); // three leases
        } finally {
            paused.resume();
        }
        assertFinishedAsExpected(workers, started);
        // What it was running when paused ends a moment after it runs again, and its commit is refused then.
        org.awaitility.Awaitility.await("late work of the paused server refused")
                .atMost(java.time.Duration.ofSeconds(30)).until(() -> leasesLost(paused) > lostBefore);
        return new Paused(started, leasesLost(paused) - lostBefore);
    }

    /** The paused phase's instances, and how much late work of the paused server was refused. */
    private record Paused(List<Started> started, double refused) {
    }

    /** The server's count of work it could not commit because its lease was lost (its metrics). */
    private static double leasesLost(ServeProcess server) throws Exception {
        java.net.http.HttpResponse<String> scraped = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.rootUrl() + "/taskhub/v1/metrics"))
                        .timeout(java.time.Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher lost = java.util.regex.Pattern.compile("(?m)^taskhub_lease_lost_total\\{[^}]*} (\\S+)$")
                .matcher(scraped.body());
        assertThat(lost.find()).as(scraped.body()).isTrue();
        return Double.parseDouble(lost.group(1));
    }

    /** The servers' command: the storage's settings, leases of 2 s, the task hub, and the test plugins. */
    private TaskhubProcess servers(Storage storage, Map<String, String> more) throws URISyntaxException {
        Map<String, String> environment = new HashMap<>(storage.environment());
        // Work of a killed or paused process is taken over once its lease runs out.
        environment.put("TASKHUB_WORKER_LEASESECONDS", String.valueOf(leaseSeconds()));
        environment.put("TASKHUB_WORKER_POISONLIMIT", String.valueOf(POISON_LIMIT));
        environment.put("TASKHUB_TASKHUB", taskHub());
        environment.putAll(moreSettings());
        environment.putAll(more);
        return new TaskhubProcess(dir, environment).withPlugins(testClasses());
    }

    /** Starts the workload at a steady pace through whichever server is up; only acknowledged starts count. */
    private List<Started> startWorkload(Workers workers, Random random) throws InterruptedException {
        List<Started> started = new ArrayList<>();
        for (int i = 0; i < instances(); i++) {
            String kind = KINDS.get(i % KINDS.size());
            String payload = kind.equals(ChaosPlugin.EVENT) ? "event-" + i : null;
            String input = kind.equals(ChaosPlugin.LOOP) ? "{\"round\":0,\"sum\":0}" : null;
            for (int attempt = 0; ; attempt++) {
                // A start that got no answer may or may not be stored: its id is never used again.
                String id = "chaos-" + i + "-" + attempt;
                try {
                    workers.any().start(kind, id, input);
                } catch (AssertionError notAcknowledged) {
                    if (attempt > 20) {
                        throw notAcknowledged;
                    }
                    Thread.sleep(200);
                    continue;
                }
                if (payload != null) {
                    raiseUntilAcknowledged(workers, id, payload);
                }
                started.add(new Started(id, kind, payload));
                break;
            }
            Thread.sleep(random.nextInt(40));
        }
        return started;
    }

    /**
     * Raises the event until a server acknowledges it; a raise that got no answer may have been stored and the
     * instance may have finished since (then a raise is refused, and not needed).
     */
    private static void raiseUntilAcknowledged(Workers workers, String id, String payload)
            throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (attempt > 0 && workers.any().status(id).map(s -> s.path("runtimeStatus").asText())
                        .filter("Completed"::equals).isPresent()) {
                    return;
                }
                workers.any().raiseEvent(id, "go", JSON.valueToTree(payload).toString());
                return;
            } catch (AssertionError notAcknowledged) {
                if (attempt > 20) {
                    throw notAcknowledged;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * The instance's stored history has one start and one completion, each activity scheduled once with one
     * result that some run produced, and each timer and sub-orchestration once. Returns the results it holds.
     */
    private static int assertRecordedOnce(OrchestrationStore hub, String id, Map<String, Long> runsPerTask) {
        List<HistoryEvent> history = hub.getHistory(id);
        assertThat(history).as(id).filteredOn(ExecutionStarted.class::isInstance).hasSize(1);
        assertThat(history).as(id).filteredOn(ExecutionCompleted.class::isInstance).hasSize(1);
        assertThat(history).as(id).filteredOn(TaskFailed.class::isInstance).isEmpty();
        List<Integer> scheduled = ids(history, TaskScheduled.class, e -> ((TaskScheduled) e).taskId());
        List<Integer> completed = ids(history, TaskCompleted.class, e -> ((TaskCompleted) e).taskId());
        assertThat(scheduled).as("%s: tasks scheduled", id).doesNotHaveDuplicates();
        assertThat(completed).as("%s: results recorded", id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(scheduled);
        for (int taskId : completed) {
            String task = id + " " + taskId + " ";
            assertThat(runsPerTask.keySet()).as("%s: a run of task %d", id, taskId)
                    .anyMatch(run -> run.startsWith(task));
        }
        assertThat(ids(history, TimerCreated.class, e -> ((TimerCreated) e).timerId())).as(id)
                .doesNotHaveDuplicates();
        assertThat(ids(history, TimerFired.class, e -> ((TimerFired) e).timerId())).as(id).doesNotHaveDuplicates();
        assertThat(ids(history, SubOrchestrationCreated.class, e -> ((SubOrchestrationCreated) e).taskId()))
                .as(id).doesNotHaveDuplicates();
        assertThat(ids(history, SubOrchestrationCompleted.class, e -> ((SubOrchestrationCompleted) e).taskId()))
                .as(id).doesNotHaveDuplicates();
        return completed.size();
    }

    private static List<Integer> ids(List<HistoryEvent> history, Class<? extends HistoryEvent> type,
            Function<HistoryEvent, Integer> id) {
        return history.stream().filter(type::isInstance).map(id).toList();
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(ChaosPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * Two server processes; one may be down for a moment while it is killed and started again. A process that dies
     * by itself (a crashing function ends it) is started again by a watchdog thread, and counted.
     */
    private static final class Workers implements AutoCloseable {
        /**
         * Both servers can be down for a while: each crashing attempt takes one down, and a restarted one may take
         * up a crashing instance again before it serves; on a loaded machine each start takes seconds.
         */
        private static final java.time.Duration NO_SERVER_PATIENCE = java.time.Duration.ofSeconds(300);
        private final TaskhubProcess taskhub;
        private final Path logs;
        private final AtomicReferenceArray<ServeProcess> slots = new AtomicReferenceArray<>(2);
        private final Object[] slotLocks = {new Object(), new Object()};
        private final Random pick = new Random();
        private final AtomicInteger crashes = new AtomicInteger();
        private final Thread watchdog;
        private volatile RuntimeException watchdogFailure;
        private volatile boolean closed;

        Workers(TaskhubProcess taskhub, Path logs) {
            this.taskhub = taskhub;
            this.logs = logs;
            for (int i = 0; i < slots.length(); i++) {
                slots.set(i, serve());
            }
            watchdog = new Thread(this::restartTheDead, "chaos-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }

        private ServeProcess serve() {
            return taskhub.serve(logs, "--port", "0");
        }

        /** The API of a server that is up, waiting for one while both are down (a crash beside a kill). */
        ServerApi any() {
            long deadline = System.nanoTime() + NO_SERVER_PATIENCE.toNanos();
            while (true) {
                int first = pick.nextInt(slots.length());
                for (int i = 0; i < slots.length(); i++) {
                    ServeProcess server = slots.get((first + i) % slots.length());
                    if (server != null && server.isAlive()) {
                        return server.api();
                    }
                }
                if (watchdogFailure != null) {
                    throw new IllegalStateException("a dead server could not be restarted", watchdogFailure);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no server has been up for " + NO_SERVER_PATIENCE);
                }
                sleep(100);
            }
        }

        /** Both servers, once both are up. */
        /** Writes each live server's thread dump next to its log (jcmd, from the JDK running the tests). */
        void dumpThreads() {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            for (ServeProcess server : servers()) {
                if (server == null || !server.isAlive()) {
                    continue;
                }
                Path dump = logs.resolve("threads-" + server.pid() + ".txt");
                try {
                    Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(server.pid()), "Thread.print")
                            .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
                    if (process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        // The engine's threads, in the test's output too: a CI run keeps no temporary files.
                        System.out.println("chaos: thread dump of server " + server.pid() + " in " + dump + "\n"
                                + engineThreads(Files.readString(dump)));
                    } else {
                        process.destroyForcibly();
                    }
                } catch (IOException e) {
                    System.out.println("chaos: no thread dump of server " + server.pid() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** The stacks of Taskhub's own threads in a thread dump (each thread's paragraph naming "taskhub"). */
        private static String engineThreads(String dump) {
            return java.util.Arrays.stream(dump.split("\n\n"))
                    .filter(paragraph -> paragraph.startsWith("\"taskhub") || paragraph.startsWith("\"chaos"))
                    .collect(Collectors.joining("\n\n"));
        }

        List<ServeProcess> servers() {
            List<ServeProcess> both = new ArrayList<>();
            for (int i = 0; i < slots.length(); i++) {
                synchronized (slotLocks[i]) {
                    both.add(slots.get(i));
                }
            }
            return both;
        }

        /** Polls through whichever server is up until the instance has finished. */
        JsonNode awaitFinished(String id) {
            return awaitFinishedIfStored(id, true); // (a server polled that goes down is replaced by the other)
        }

        /**
         * Polls until the instance has finished; null when it does not exist ({@code mustExist} false: a start
         * that got no answer and was not stored).
         */
        JsonNode awaitFinishedIfStored(String id, boolean mustExist) {
            for (int attempt = 0; ; attempt++) {
                try {
                    if (!mustExist && any().status(id).isEmpty()) {
                        return null;
                    }
                    return any().awaitStatus(id, "Completed", "Failed", "Terminated");
                } catch (AssertionError e) {
                    if (attempt >= 20 || !(e.getCause() instanceof IOException)) {
                        throw e;
                    }
                }
            }
        }

        /** SIGKILL, then a new process in its place (none once closed). */
        void killAndRestart(int slot) {
            synchronized (slotLocks[slot]) {
                ServeProcess victim = slots.getAndSet(slot, null);
                if (!victim.isAlive()) {
                    crashes.incrementAndGet(); // a crashing function was quicker than the watchdog
                }
                victim.kill();
                startIn(slot);
            }
        }

        /**
         * Starts a server in the slot. Its worker starts before it prints that it serves, so it may take up a
         * crashing instance and die first: that counts as a crash, and another process is started.
         */
        private void startIn(int slot) {
            for (int attempt = 1; ; attempt++) {
                ServeProcess restarted;
                try {
                    restarted = serve();
                } catch (IllegalStateException diedStarting) {
                    if (attempt >= 3 * POISON_LIMIT || closed) {
                        throw diedStarting;
                    }
                    crashes.incrementAndGet();
                    continue;
                }
                slots.set(slot, restarted);
                if (closed) {
                    restarted.kill();
                }
                return;
            }
        }

        private void restartTheDead() {
            try {
                while (!closed) {
                    for (int i = 0; i < slots.length() && !closed; i++) {
                        synchronized (slotLocks[i]) {
                            ServeProcess server = slots.get(i);
                            if (server != null && !server.isAlive() && !closed) {
                                crashes.incrementAndGet();
                                slots.set(i, null);
                                startIn(i);
                            }
                        }
                    }
                    sleep(100);
                }
            } catch (RuntimeException e) {
                watchdogFailure = e; // no server restarts any more: any() reports it
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            watchdog.join(java.time.Duration.ofSeconds(100).toMillis());
            for (int i = 0; i < slots.length(); i++) {
                synchronized (slotLocks[i]) {
                    ServeProcess server = slots.getAndSet(i, null);
                    if (server != null) {
                        server.kill();
                    }
                }
            }
        }
    }

    /**
     * Kills a random server at random moments, {@value #KILLS} times (or {@value #MIN_KILLS} and as many more as
     * {@link #KILL_PHASE} allows), restarting each.
     */
    private static final class Killer extends Thread {
        private final Workers workers;
        private final Random random;
        private final AtomicInteger kills = new AtomicInteger();
        private volatile Exception failure;

        Killer(Workers workers, Random random) {
            super("chaos-killer");
            this.workers = workers;
            this.random = random;
        }

        @Override
        public void run() {
            try {
                long ends = System.nanoTime() + KILL_PHASE.toNanos();
                for (int i = 0; i < KILLS && (i < MIN_KILLS || System.nanoTime() < ends); i++) {
                    Thread.sleep(300 + random.nextInt(1200));
                    workers.killAndRestart(random.nextInt(2));
                    kills.incrementAndGet();
                }
            } catch (Exception e) {
                failure = e;
            }
        }
    }
}
