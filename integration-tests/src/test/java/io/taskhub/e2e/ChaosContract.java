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
 * share a mixed workload of {@value #INSTANCES} instances started over HTTP while a driver kills a random one of
 * them with SIGKILL at random moments, {@value #KILLS} times, and starts it again; then one of them is paused
 * (SIGSTOP) past its leases while it runs activities and resumed, and must not commit what it finishes late. At
 * the end every acknowledged start exists and finished with the right output, no history holds an event twice,
 * and every activity's result was recorded once, however often the activity ran (counted and reported). The seed is printed; set
 * {@code chaos.seed} to replay the same schedule of kills.
 */
abstract class ChaosContract {
    static final int INSTANCES = 504;
    static final int KILLS = 10;
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
    void workersKilledAndPaused_loseNothing_andRecordEachResultOnce() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        long began = System.nanoTime();
        System.out.printf("chaos %s: seed %d, servers' logs in %s%n", backendName(), seed, dir.resolve("logs"));
        Path runs = dir.resolve("activity-runs.txt");
        try (Storage storage = storage(dir)) {
            TaskhubProcess taskhub = servers(storage, Map.of(ChaosPlugin.RUNS_FILE, runs.toString()));
            List<Started> started;
            int kills;
            double refusedLate;
            try (Workers workers = new Workers(taskhub, dir.resolve("logs"))) {
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
                for (Started s : started) {
                    JsonNode done = workers.any().awaitStatus(s.id(), "Completed", "Failed", "Terminated");
                    assertThat(done.path("runtimeStatus").asText()).as("%s %s: %s", s.orchestrator(), s.id(), done)
                            .isEqualTo("Completed");
                    assertThat(done.path("output")).as("%s %s", s.orchestrator(), s.id())
                            .isEqualTo(JSON.readTree(ChaosPlugin.expectedOutput(s.orchestrator(), s.eventPayload())));
                }
                Paused paused = pauseOneServer(workers, runs);
                started.addAll(paused.started());
                refusedLate = paused.refused();
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
            assertThat(kills).isGreaterThanOrEqualTo(KILLS);
            System.out.printf("chaos %s (seed %d): %d kills and restarts, a pause past the leases (%.0f late"
                    + " commits refused), %d instances acknowledged and finished, %d activity results recorded once"
                    + " each from %d runs (%d activities ran more than once), lost 0, duplicated 0, %.1f s%n",
                    backendName(), seed, kills, refusedLate, started.size(), recordedResults, activityRuns, redone,
                    (System.nanoTime() - began) / 1e9);
        }
    }

    /**
     * Then one server is paused (SIGSTOP) while it runs activities, for three leases, and resumed (SIGCONT): the
     * other server redoes its work meanwhile, and what the paused one finishes afterwards is refused (it counts
     * lost leases).
     */
    private static Paused pauseOneServer(Workers workers, Path runs) throws Exception {
        ServeProcess paused = workers.slots.get(0);
        ServerApi api = workers.slots.get(1).api();
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
            Thread.sleep(6_000); // three leases
        } finally {
            paused.resume();
        }
        for (Started s : started) {
            JsonNode done = api.awaitStatus(s.id(), "Completed", "Failed", "Terminated");
            assertThat(done.path("runtimeStatus").asText()).as("%s: %s", s.id(), done).isEqualTo("Completed");
            assertThat(done.path("output")).as(s.id())
                    .isEqualTo(JSON.readTree(ChaosPlugin.expectedOutput(ChaosPlugin.SLOW_SEQUENCE, null)));
        }
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
        environment.put("TASKHUB_WORKER_LEASESECONDS", "2");
        environment.put("TASKHUB_TASKHUB", taskHub());
        environment.putAll(moreSettings());
        environment.putAll(more);
        return new TaskhubProcess(dir, environment).withPlugins(testClasses());
    }

    /** Starts the workload at a steady pace through whichever server is up; only acknowledged starts count. */
    private List<Started> startWorkload(Workers workers, Random random) throws InterruptedException {
        List<Started> started = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
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

    /** Two server processes; one may be down for a moment while it is killed and started again. */
    private static final class Workers implements AutoCloseable {
        private final TaskhubProcess taskhub;
        private final Path logs;
        private final AtomicReferenceArray<ServeProcess> slots = new AtomicReferenceArray<>(2);
        private final Random pick = new Random();
        private volatile boolean closed;

        Workers(TaskhubProcess taskhub, Path logs) {
            this.taskhub = taskhub;
            this.logs = logs;
            for (int i = 0; i < slots.length(); i++) {
                slots.set(i, serve());
            }
        }

        private ServeProcess serve() {
            return taskhub.serve(logs, "--port", "0");
        }

        /** The API of a server that is up (there is always one: only one is ever down). */
        ServerApi any() {
            int first = pick.nextInt(slots.length());
            for (int i = 0; i < slots.length(); i++) {
                ServeProcess server = slots.get((first + i) % slots.length());
                if (server != null) {
                    return server.api();
                }
            }
            throw new IllegalStateException("no server is up");
        }

        /** SIGKILL, then a new process in its place (none once closed). */
        void killAndRestart(int slot) {
            ServeProcess victim = slots.getAndSet(slot, null);
            victim.kill();
            ServeProcess restarted = serve();
            slots.set(slot, restarted);
            if (closed) {
                restarted.kill();
            }
        }

        @Override
        public void close() {
            closed = true;
            for (int i = 0; i < slots.length(); i++) {
                ServeProcess server = slots.getAndSet(i, null);
                if (server != null) {
                    server.kill();
                }
            }
        }
    }

    /** Kills a random server at random moments, {@value #KILLS} times, restarting each. */
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
                for (int i = 0; i < KILLS; i++) {
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
