package io.taskhub.e2e;

import static io.taskhub.e2e.JsonArrays.GREETINGS;
import static io.taskhub.e2e.JsonArrays.field;
import static io.taskhub.e2e.JsonArrays.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every management command of the built jar, run as a separate process against a running {@code serve} process
 * (which runs the orchestrations): either directly on the same database ({@link Mode#DIRECT}) or through the
 * server's HTTP API ({@code --endpoint}, {@link Mode#ENDPOINT}). Subclasses choose the storage and the mode:
 * direct mode on each backend (the command opens the storage itself), endpoint mode on SQLite only (over HTTP the
 * command does the same whatever the server's backend; the HTTP API itself is tested on every backend in
 * {@code adapter-http}).
 *
 * <p>Each test starts its own instances under unique ids, so tests run in any order. What a command changes
 * is asynchronous (the server's worker acts on it), so outcomes are awaited with generous limits, never
 * assumed after a fixed sleep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ManagementCommandsContract {
    enum Mode { DIRECT, ENDPOINT }

    private static final String WAITING_APPROVAL = "{\"timeoutSeconds\":600}";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Storage storage;
    private ServeProcess server;
    private ServerApi api;
    private TaskhubProcess cli;
    private Path work;
    /** A second task hub the server also serves (http.taskHubs), for the tests that need one. */
    private String scratchHub;

    /** Where this class keeps its data; called once, before the server starts. */
    protected abstract Storage openStorage(Path directory);

    protected abstract Mode mode();

    /** The task hub of this class (the server's default). */
    protected abstract String taskHub();

    /**
     * The commands whose direct mode goes through code of the backend's own beyond the storage contract: opening the
     * storage from the command's settings (a start and its status), queries with filters and with the backend's
     * continuation tokens, purges by filter, and deleting the hub. Everything else a command does in direct mode is
     * the shared client calling the storage contract, which the engine and storage-contract tests hold every
     * backend to; those tests run on SQLite, the default backend, in both modes. Each command is a JVM of its own,
     * and the test command's time is bounded.
     */
    protected static final java.util.Set<String> STORAGE_SPECIFIC = java.util.Set.of(
            "startNew_withoutInput_runsTheSequence_andStatusShowsItsOutput",
            "purgeHistory_byFilter_deletesFinishedInstancesCreatedInTheRange_only",
            "getInstances_filtersByIdPrefixNameStatusAndCreatedTime",
            "getInstances_pagesWithTopAndContinuationToken_orFetchesEveryPageWithAll",
            "deleteTaskHub_inDirectMode_asksFirst_thenDeletesEveryInstanceOfTheHub");

    /**
     * The tests this subclass runs, by method name; null (the default) for every one. A subclass that runs a part
     * says why: each command is a JVM of its own, and the test command's time is bounded.
     */
    protected java.util.Set<String> runsOnly() {
        return null;
    }

    private boolean runs(String testName) {
        return runsOnly() == null || runsOnly().contains(testName);
    }

    /** A renamed test must not drop out of a subclass's selection unnoticed. */
    @BeforeAll
    void selectionNamesTestsOfThisContract() {
        if (runsOnly() == null) {
            return;
        }
        java.util.Set<String> tests = java.util.Arrays.stream(ManagementCommandsContract.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(Test.class))
                .map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(tests).as("the tests %s selects", getClass().getSimpleName()).containsAll(runsOnly());
    }

    @org.junit.jupiter.api.BeforeEach
    void onlyWhatThisSubclassRuns(org.junit.jupiter.api.TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        org.junit.jupiter.api.Assumptions.assumeTrue(runs(name), () -> getClass().getSimpleName() + " leaves out "
                + name + " (see its runsOnly())");
    }

    @BeforeAll
    void startServer(@TempDir Path directory) throws IOException {
        work = Files.createDirectories(directory.resolve("cli"));
        storage = openStorage(directory);
        Map<String, String> settings = new HashMap<>(storage.environment());
        settings.put("TASKHUB_TASKHUB", taskHub());
        scratchHub = "Scratch" + uniqueSuffix();
        settings.put("TASKHUB_HTTP_TASKHUBS", scratchHub);
        TaskhubProcess serverSide = new TaskhubProcess(Files.createDirectories(directory.resolve("server")), settings);
        server = serverSide.serve(directory.resolve("logs"), "--port", "0");
        api = server.api();
        // In endpoint mode the command knows nothing but the server's URL: no storage settings, no task hub.
        cli = mode() == Mode.DIRECT ? serverSide.in(work) : new TaskhubProcess(work, Map.of());
    }

    @AfterAll
    void stopServer() {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (storage != null) {
                storage.close();
            }
        }
    }

    // ---- start-new, wait, get-runtime-status ---------------------------------------------------------------

    @Test
    void startNew_withoutInput_runsTheSequence_andStatusShowsItsOutput() {
        String id = uniqueId("hello");

        CommandResult started = taskhub("start-new", "--function-name", "E1_HelloSequence", "--id", id);
        assertExit(started, 0);
        assertThat(started.stdout()).contains("Started instance " + id + " of E1_HelloSequence.");

        CommandResult waited = taskhub("wait", "--id", id, "--timeout", "90", "-o", "json");
        assertExit(waited, 0);
        assertThat(waited.json().path("runtimeStatus").asText()).isEqualTo("Completed");
        assertThat(texts(waited.json().path("output"))).isEqualTo(GREETINGS);

        CommandResult status = taskhub("get-runtime-status", "--id", id);
        assertExit(status, 0);
        assertThat(status.stdout()).containsPattern("(?m)^Instance:\\s+" + Pattern.quote(id) + "$")
                .containsPattern("(?m)^Name:\\s+E1_HelloSequence$")
                .containsPattern("(?m)^Status:\\s+Completed$")
                .containsPattern("(?m)^Output:\\s+\\Q[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]\\E$");
    }

    @Test
    void startNew_readsItsInputFromAFile_andGeneratesAnId() throws IOException {
        Files.writeString(work.resolve("approval.json"), "{\"timeoutSeconds\": 0}");

        CommandResult started = taskhub("start-new", "-n", "Approval", "--input", "@approval.json", "-o", "json");
        assertExit(started, 0);
        String id = started.json().path("id").asText();
        assertThat(id).matches("[0-9a-f]{32}");

        CommandResult waited = taskhub("wait", "--id", id, "--timeout", "90", "-o", "json");
        assertExit(waited, 0);
        assertThat(waited.json().path("input").path("timeoutSeconds").asInt(-1)).isZero();
        assertThat(waited.json().path("output").asText()).isEqualTo("TimedOut");
    }

    @Test
    void startNew_fromAFileOfStartMessages_startsThemAsOneBatch_andRefusesABadOneWhole() throws IOException {
        String first = uniqueId("batch");
        String second = uniqueId("batch");
        Files.writeString(work.resolve("starts.jsonl"), "{\"FunctionName\":\"E1_HelloSequence\",\"InstanceId\":\""
                + first + "\"}\n{\"FunctionName\":\"Approval\",\"Input\":{\"timeoutSeconds\":0},\"InstanceId\":\""
                + second + "\"}\n");

        CommandResult started = taskhub("start-new", "--from-file", "starts.jsonl", "-o", "json");
        assertExit(started, 0);
        assertThat(field(started.json(), "id")).containsExactly(first, second);
        assertThat(api.awaitStatus(first, "Completed").path("runtimeStatus").asText()).isEqualTo("Completed");

        String never = uniqueId("batch");
        Files.writeString(work.resolve("bad.json"), "[{\"FunctionName\":\"E1_HelloSequence\",\"InstanceId\":\""
                + never + "\"},{\"FunctionName\":\"NoSuchOrchestrator\"}]");
        CommandResult refused = taskhub("start-new", "--from-file", "bad.json");
        assertExit(refused, 2);
        assertThat(refused.stderr()).contains("item 1").contains("NoSuchOrchestrator");
        assertThat(api.status(never)).isEmpty();
    }

    @Test
    void startNew_ofAnOrchestratorNobodyHas_isAUsageError_thatSaysWhereItCouldCome() {
        CommandResult refused = taskhub("start-new", "-n", "NoSuchOrchestrator", "--id", uniqueId("nobody"));
        assertExit(refused, 2);
        assertThat(refused.stderr()).contains("No orchestrator named 'NoSuchOrchestrator'")
                .contains("Known orchestrators").contains("E1_HelloSequence");
        if (mode() == Mode.DIRECT) {
            assertThat(refused.stderr()).as("direct mode: where a plugin's orchestrator would come from")
                    .contains("--plugins DIR").contains("--endpoint URL");
        }
    }

    // ---- list-workers --------------------------------------------------------------------------------------

    @Test
    void listWorkers_showsTheServersWorkerWithTheNamesItRuns() {
        CommandResult json = taskhub("list-workers", "-o", "json");
        assertExit(json, 0);
        JsonNode workers = json.json().path("workers");
        assertThat(workers).as("the server's worker announces itself").isNotEmpty();
        assertThat(workers).anySatisfy(worker -> {
            assertThat(worker.path("orchestrators").toString()).contains("\"E1_HelloSequence\"");
            assertThat(worker.path("activities").toString()).contains("\"E1_SayHello\"");
        });

        CommandResult table = taskhub("list-workers");
        assertExit(table, 0);
        assertThat(table.stdout().lines().findFirst().orElseThrow()).matches("WORKER\\s+ORCHESTRATORS\\s+ACTIVITIES");
        assertThat(table.stdout()).contains("E1_HelloSequence").containsPattern("\\d+ running worker\\(s\\)\\.");
    }

    // ---- get-history ---------------------------------------------------------------------------------------

    @Test
    void getHistory_listsTheEvents_asATableAndAsJson() {
        String id = api.start("E1_HelloSequence", uniqueId("history"), null);
        api.awaitStatus(id, "Completed");

        CommandResult table = taskhub("get-history", "--id", id);
        assertExit(table, 0);
        List<String> lines = table.stdout().lines().toList();
        assertThat(lines.get(0)).matches("TIMESTAMP\\s+EVENT\\s+DETAILS");
        assertThat(lines).filteredOn(line -> line.contains(" ExecutionStarted ")).singleElement().asString()
                .contains("FunctionName=E1_HelloSequence");
        assertThat(lines).filteredOn(line -> line.contains(" TaskCompleted ")).hasSize(3)
                .allMatch(line -> line.contains("FunctionName=E1_SayHello"));
        assertThat(lines).filteredOn(line -> line.contains(" ExecutionCompleted ")).singleElement().asString()
                .contains("OrchestrationStatus=Completed");

        CommandResult json = taskhub("get-history", "--id", id, "--show-output", "-o", "json");
        assertExit(json, 0);
        assertThat(field(json.json(), "EventType")).containsExactly("ExecutionStarted", "TaskCompleted",
                "TaskCompleted", "TaskCompleted", "ExecutionCompleted");
        assertThat(StreamSupport.stream(json.json().spliterator(), false)
                .filter(e -> e.path("EventType").asText().equals("TaskCompleted"))
                .map(e -> e.path("Result").asText()).toList()).isEqualTo(GREETINGS);
    }

    // ---- raise-event, wait ---------------------------------------------------------------------------------

    @Test
    void raiseEvent_completesTheWaitingApproval_whileWaitTimesOutAndTheIdIsInUseBefore() {
        String id = uniqueId("approval");
        assertExit(taskhub("start-new", "-n", "Approval", "--id", id, "--input", WAITING_APPROVAL), 0);

        CommandResult inUse = taskhub("start-new", "-n", "E1_HelloSequence", "--id", id);
        assertExit(inUse, 4);
        assertThat(inUse.stderr()).containsPattern("An Orchestration instance with the status (Pending|Running)"
                + " already exists\\.");

        CommandResult timedOut = taskhub("wait", "--id", id, "--timeout", "1");
        assertExit(timedOut, 6);
        assertThat(timedOut.stdout()).containsPattern("(?m)^Status:\\s+(Pending|Running)$");
        assertThat(timedOut.stderr()).contains("Timed out after 1.0 s");

        CommandResult raised = taskhub("raise-event", "--id", id, "--event-name", "ApprovalEvent",
                "--event-data", "{\"approved\": true, \"by\": \"e2e\"}");
        assertExit(raised, 0);
        assertThat(raised.stdout()).contains("Raised event ApprovalEvent to " + id + ".");

        CommandResult waited = taskhub("wait", "--id", id, "--timeout", "90", "-o", "json");
        assertExit(waited, 0);
        assertThat(waited.json().path("output").path("approved").asBoolean()).isTrue();
        assertThat(waited.json().path("output").path("by").asText()).isEqualTo("e2e");
    }

    @Test
    void wait_onAFailedInstance_exits1() {
        String id = api.start("RewindDemo", uniqueId("failing"), null);

        CommandResult waited = taskhub("wait", "--id", id, "--timeout", "90");
        assertExit(waited, 1);
        assertThat(waited.stdout()).containsPattern("(?m)^Status:\\s+Failed$").contains("fails on its first run");
    }

    // ---- terminate -----------------------------------------------------------------------------------------

    @Test
    void terminate_isRecursive_theParentAndItsChildEndTerminated() {
        String parent = api.start("ParentWithChild", uniqueId("parent"), WAITING_APPROVAL);
        String child = parent + ":child";
        api.awaitStatus(child, "Running");

        CommandResult terminated = taskhub("terminate", "--id", parent, "--reason", "e2e test", "--yes");
        assertExit(terminated, 0);
        assertThat(terminated.stdout()).contains("Termination of " + parent + " requested.");

        CommandResult childWait = taskhub("wait", "--id", child, "--timeout", "90", "-o", "json");
        assertExit(childWait, 1);
        assertThat(childWait.json().path("runtimeStatus").asText()).isEqualTo("Terminated");
        assertThat(api.awaitStatus(parent, "Terminated").path("output").asText()).isEqualTo("e2e test");
    }

    // ---- bulk ------------------------------------------------------------------------------------------------

    @Test
    void bulk_terminatesWhatTheFilterMatches_reportsTheRefusedOne_andNamesABadOperation() {
        String prefix = uniqueId("bulk") + "-";
        String first = api.start("Approval", prefix + "a", WAITING_APPROVAL);
        String second = api.start("Approval", prefix + "b", WAITING_APPROVAL);
        String finished = api.start("E1_HelloSequence", prefix + "c", null);
        api.awaitStatus(first, "Running");
        api.awaitStatus(second, "Running");
        api.awaitStatus(finished, "Completed");

        CommandResult bulk = taskhub("bulk", "terminate", "--id-prefix", prefix, "--reason", "bulk e2e", "--yes",
                "-o", "json");
        assertExit(bulk, 0);
        assertThat(bulk.json().path("matched").asLong()).isEqualTo(3);
        assertThat(bulk.json().path("done").asLong()).isEqualTo(2);
        assertThat(bulk.json().path("failed").asLong()).isEqualTo(1);
        assertThat(bulk.json().path("failures").get(0).path("instanceId").asText()).isEqualTo(finished);
        assertThat(bulk.stderr()).as("the progress bar").contains("3/3 (2 done, 1 refused)");
        assertThat(api.awaitStatus(first, "Terminated").path("output").asText()).isEqualTo("bulk e2e");
        assertThat(api.awaitStatus(second, "Terminated").path("output").asText()).isEqualTo("bulk e2e");

        CommandResult bad = taskhub("bulk", "explode", "--id-prefix", prefix, "--yes");
        assertExit(bad, 2);
        assertThat(bad.stderr()).contains("Unknown bulk operation 'explode'");
        CommandResult empty = taskhub("bulk", "purge", "--id-prefix", "", "--yes");
        assertExit(empty, 2);
        assertThat(empty.stderr()).as("an empty filter would match everything").contains("--id-prefix is empty");
    }

    // ---- suspend, resume -----------------------------------------------------------------------------------

    @Test
    void suspendAndResume_holdAndReleaseTheInstance_andResumingARunningOneIsAConflict() {
        String id = api.start("Approval", uniqueId("suspend"), WAITING_APPROVAL);
        api.awaitStatus(id, "Running");

        CommandResult conflict = taskhub("resume", "--id", id);
        assertExit(conflict, 4);
        assertThat(conflict.stderr()).contains("Cannot resume instance '" + id + "': it is Running, not Suspended.");

        CommandResult suspended = taskhub("suspend", "--id", id, "--reason", "maintenance");
        assertExit(suspended, 0);
        assertThat(suspended.stdout()).contains("Suspend of " + id + " requested.");
        api.awaitStatus(id, "Suspended");

        CommandResult status = taskhub("get-runtime-status", "--id", id, "-o", "json");
        assertExit(status, 0);
        JsonNode json = status.json();
        assertThat(json.path("instanceId").asText()).isEqualTo(id);
        assertThat(json.path("name").asText()).isEqualTo("Approval");
        assertThat(json.path("runtimeStatus").asText()).isEqualTo("Suspended");
        assertThat(json.path("input").path("timeoutSeconds").asInt()).isEqualTo(600);
        assertThat(json.path("customStatus").asText()).isEqualTo("Waiting");
        assertThat(json.path("createdTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        CommandResult resumed = taskhub("resume", "--id", id, "--reason", "maintenance over");
        assertExit(resumed, 0);
        assertThat(resumed.stdout()).contains("Resume of " + id + " requested.");
        JsonNode running = api.awaitStatus(id, "Running");
        assertThat(field(running.path("historyEvents"), "EventType"))
                .containsSubsequence("ExecutionSuspended", "ExecutionResumed");
    }

    // ---- rewind --------------------------------------------------------------------------------------------

    @Test
    void rewind_rerunsWhatFailed_andTheInstanceCompletes_butACompletedOneCannotBeRewound() {
        String id = api.start("RewindDemo", uniqueId("rewind"), null);
        api.awaitStatus(id, "Failed");

        CommandResult rewound = taskhub("rewind", "--id", id, "--reason", "try again");
        assertExit(rewound, 0);
        assertThat(rewound.stdout()).contains("Rewind of " + id + " requested.");
        assertThat(api.awaitStatus(id, "Completed").path("output").asText()).isEqualTo("Recovered");

        CommandResult again = taskhub("rewind", "--id", id);
        assertExit(again, 4);
        assertThat(again.stderr()).contains(id);
    }

    // ---- restart -------------------------------------------------------------------------------------------

    @Test
    void restart_runsTheOrchestrationAgain_underANewId_orUnderTheSameId() {
        String id = api.start("E1_HelloSequence", uniqueId("restart"), null);
        String firstStart = startedAt(api.awaitStatus(id, "Completed"));

        CommandResult renewed = taskhub("restart", "--id", id, "-o", "json");
        assertExit(renewed, 0);
        String newId = renewed.json().path("id").asText();
        assertThat(newId).isNotEqualTo(id).matches("[0-9a-f]{32}");
        CommandResult waited = taskhub("wait", "--id", newId, "--timeout", "90", "-o", "json");
        assertExit(waited, 0);
        assertThat(waited.json().path("name").asText()).isEqualTo("E1_HelloSequence");
        assertThat(texts(waited.json().path("output"))).isEqualTo(GREETINGS);

        CommandResult same = taskhub("restart", "--id", id, "--same-id");
        assertExit(same, 0);
        assertThat(same.stdout()).contains("Restarted " + id + " as " + id + ".");
        JsonNode rerun = api.await(id, s -> s.path("runtimeStatus").asText().equals("Completed")
                && !startedAt(s).equals(firstStart), "a second completed run");
        assertThat(texts(rerun.path("output"))).isEqualTo(GREETINGS);
    }

    // ---- purge-history -------------------------------------------------------------------------------------

    @Test
    void purgeHistory_byId_isRefusedWithoutConfirmation_thenDeletesTheInstance() {
        String id = api.start("E1_HelloSequence", uniqueId("purge"), null);
        api.awaitStatus(id, "Completed");

        CommandResult unconfirmed = taskhub("purge-history", "--id", id);
        assertExit(unconfirmed, 2);
        assertThat(unconfirmed.stderr()).contains("Purge instance " + id + " (Completed)").contains("pass --yes")
                .contains("Nothing was changed.");
        assertThat(api.status(id)).as("the instance after the refused purge").isPresent();

        CommandResult purged = taskhub("purge-history", "--id", id, "--yes");
        assertExit(purged, 0);
        assertThat(purged.stdout()).contains("Purged 1 instance(s).");
        assertThat(api.status(id)).as("the instance after the purge").isEmpty();

        CommandResult missing = taskhub("get-runtime-status", "--id", id);
        assertExit(missing, 3);
        assertThat(missing.stderr()).contains("No instance with id '" + id + "' exists.");
    }

    @Test
    void purgeHistory_byFilter_deletesFinishedInstancesCreatedInTheRange_only() {
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String first = api.start("E1_HelloSequence", uniqueId("purge-a"), null);
        String second = api.start("E1_HelloSequence", uniqueId("purge-b"), null);
        String running = api.start("Approval", uniqueId("purge-running"), WAITING_APPROVAL);
        api.awaitStatus(first, "Completed");
        api.awaitStatus(second, "Completed");
        Instant to = Instant.now().plusSeconds(1);

        CommandResult asked = taskhub("purge-history", "--created-after", from.toString(), "--created-before",
                to.toString(), "--runtime-status", "Completed,Failed");
        assertExit(asked, 2);
        assertThat(asked.stderr()).as("the question says exactly what would go")
                .contains("Purge 2 instance(s) created between " + from + " and " + to)
                .contains("Completed 2, Failed 0").contains("other statuses are kept").contains("Nothing was changed.");
        assertThat(api.status(first)).isPresent();

        CommandResult purged = taskhub("purge-history", "--created-after", from.toString(), "--created-before",
                to.toString(), "--runtime-status", "Completed,Failed", "--yes", "-o", "json");
        assertExit(purged, 0);
        assertThat(purged.json().path("instancesDeleted").asInt()).isEqualTo(2);
        assertThat(api.status(first)).isEmpty();
        assertThat(api.status(second)).isEmpty();
        assertThat(api.status(running)).as("a running instance in the range").isPresent();
    }

    // ---- get-instances -------------------------------------------------------------------------------------

    @Test
    void getInstances_filtersByIdPrefixNameStatusAndCreatedTime() {
        String prefix = uniqueId("list") + "-";
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String helloA = api.start("E1_HelloSequence", prefix + "a", null);
        String helloB = api.start("E1_HelloSequence", prefix + "b", null);
        String approval = api.start("Approval", prefix + "c", WAITING_APPROVAL);
        api.awaitStatus(helloA, "Completed");
        api.awaitStatus(helloB, "Completed");
        api.awaitStatus(approval, "Running");
        Instant after = Instant.now().plusSeconds(1);

        CommandResult table = taskhub("get-instances", "--id-prefix", prefix);
        assertExit(table, 0);
        List<String> lines = table.stdout().lines().toList();
        assertThat(lines.get(0)).matches("INSTANCE ID\\s+NAME\\s+STATUS\\s+CREATED\\s+LAST UPDATED");
        assertThat(lines).anyMatch(l -> l.matches(Pattern.quote(helloA) + "\\s+E1_HelloSequence\\s+Completed\\s.*"))
                .anyMatch(l -> l.matches(Pattern.quote(helloB) + "\\s+E1_HelloSequence\\s+Completed\\s.*"))
                .anyMatch(l -> l.matches(Pattern.quote(approval) + "\\s+Approval\\s+Running\\s.*"))
                .contains("3 instance(s).");

        assertThat(listedIds("--id-prefix", prefix, "--name", "Approval")).containsExactly(approval);
        assertThat(listedIds("--id-prefix", prefix, "--runtime-status", "Completed,Failed",
                "--created-after", before.toString(), "--created-before", after.toString()))
                .containsExactlyInAnyOrder(helloA, helloB);
        assertThat(listedIds("--id-prefix", prefix, "--created-before", before.toString())).isEmpty();
    }

    @Test
    void getInstances_pagesWithTopAndContinuationToken_orFetchesEveryPageWithAll() {
        String prefix = uniqueId("page") + "-";
        List<String> ids = List.of(api.start("E1_HelloSequence", prefix + "1", null),
                api.start("E1_HelloSequence", prefix + "2", null), api.start("E1_HelloSequence", prefix + "3", null));

        CommandResult firstPage = taskhub("get-instances", "--id-prefix", prefix, "--top", "2");
        assertExit(firstPage, 0);
        assertThat(firstPage.stdout()).contains("2 instance(s).");
        Matcher more = Pattern.compile("(?m)^More: --continuation-token (\\S+)$").matcher(firstPage.stdout());
        assertThat(more.find()).as(firstPage::describe).isTrue();

        CommandResult secondPage = taskhub("get-instances", "--id-prefix", prefix, "--top", "2",
                "--continuation-token", more.group(1), "-o", "json");
        assertExit(secondPage, 0);
        assertThat(secondPage.json().path("instances")).hasSize(1);
        assertThat(secondPage.json().path("continuationToken").isNull()).as(secondPage::describe).isTrue();
        List<String> paged = new ArrayList<>(ids.stream().filter(firstPage.stdout()::contains).toList());
        paged.addAll(field(secondPage.json().path("instances"), "instanceId"));
        assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);

        CommandResult all = taskhub("get-instances", "--id-prefix", prefix, "--top", "1", "--all", "-o", "json");
        assertExit(all, 0);
        assertThat(field(all.json().path("instances"), "instanceId")).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(all.json().path("continuationToken").isNull()).isTrue();
    }

    // ---- delete-task-hub -----------------------------------------------------------------------------------

    @Test
    void deleteTaskHub_inDirectMode_asksFirst_thenDeletesEveryInstanceOfTheHub() {
        assumeTrue(mode() == Mode.DIRECT, "delete-task-hub works on the backend directly");
        String hub = scratchHub;
        ServerApi scratch = api.taskHub(hub);
        String id = scratch.start("E1_HelloSequence", uniqueId("doomed"), null);
        String kept = api.start("E1_HelloSequence", uniqueId("kept"), null);

        CommandResult unconfirmed = taskhub("delete-task-hub", "--taskhub", hub);
        assertExit(unconfirmed, 2);
        assertThat(unconfirmed.stderr()).contains("Nothing was changed.");
        assertThat(scratch.status(id)).isPresent();

        CommandResult deleted = taskhub("delete-task-hub", "--taskhub", hub, "--yes");
        assertExit(deleted, 0);
        assertThat(deleted.stdout()).contains("Deleted the task hub's data.");
        assertThat(scratch.status(id)).isEmpty();
        assertThat(api.status(kept)).as("an instance of another task hub").isPresent();
    }

    @Test
    void deleteTaskHub_overAnEndpoint_isAUsageError() {
        assumeTrue(mode() == Mode.ENDPOINT, "only --endpoint refuses delete-task-hub");
        String kept = api.start("E1_HelloSequence", uniqueId("kept"), null);

        CommandResult refused = taskhub("delete-task-hub", "--yes");
        assertExit(refused, 2);
        assertThat(refused.stderr()).contains("delete-task-hub works on the backend directly")
                .contains("without --endpoint");
        assertThat(api.status(kept)).isPresent();
    }

    @Test
    void directModeOnSqlite_saysWhichFileItUses_andWarnsWhenTheFileIsNew() {
        String configured = storage.environment().get("TASKHUB_SQLITE_FILE");
        assumeTrue(mode() == Mode.DIRECT && configured != null, "only a direct command opens a SQLite file");

        CommandResult usual = taskhub("get-instances", "--top", "1");
        assertExit(usual, 0);
        assertThat(usual.stderr()).contains("Using the SQLite database " + Path.of(configured).toAbsolutePath()
                .normalize()).doesNotContain("did not exist");

        Path elsewhere = work.resolve("elsewhere.db").toAbsolutePath().normalize();
        CommandResult fresh = taskhub("get-instances", "--set", "sqlite.file=" + elsewhere);
        assertExit(fresh, 0);
        assertThat(fresh.stderr()).contains("Warning: " + elsewhere + " did not exist; it is created empty")
                .contains("TASKHUB_SQLITE_FILE");
        CommandResult again = taskhub("get-instances", "--set", "sqlite.file=" + elsewhere);
        assertThat(again.stderr()).as("warned once, when it was created").doesNotContain("did not exist");
    }

    @Test
    void endpoint_acceptsTheUrlThatServePrints() {
        assumeTrue(mode() == Mode.ENDPOINT, "a direct command has no endpoint");
        String id = api.start("Approval", uniqueId("printed-url"), WAITING_APPROVAL);

        CommandResult status = cli.run("get-runtime-status", "--id", id, "--endpoint", server.managementUrl());
        assertExit(status, 0);
        assertThat(status.stdout()).containsPattern("(?m)^Name:\\s+Approval$");
    }

    // ---- errors (usage and configuration errors are checked in process: adapter-cli's UsageErrorsTest) -------

    @Test
    void missingInstance_isNotFound_forEventsAndWaits() {
        String id = uniqueId("missing");

        CommandResult raised = taskhub("raise-event", "--id", id, "--event-name", "ApprovalEvent");
        assertExit(raised, 3);
        assertThat(raised.stderr()).contains(id);

        CommandResult waited = taskhub("wait", "--id", id, "--timeout", "5");
        assertExit(waited, 3);
        assertThat(waited.stderr()).contains("No instance with id '" + id + "' exists.");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Runs the command in this class's mode: in endpoint mode, with {@code --endpoint} and the server's URL. */
    private CommandResult taskhub(String... arguments) {
        return run(cli, arguments);
    }

    private CommandResult run(TaskhubProcess process, String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        if (mode() == Mode.ENDPOINT) {
            all.addAll(List.of("--endpoint", server.rootUrl()));
        }
        return process.run(all);
    }

    private List<String> listedIds(String... filters) {
        List<String> arguments = new ArrayList<>(List.of("get-instances"));
        arguments.addAll(List.of(filters));
        arguments.addAll(List.of("-o", "json"));
        CommandResult result = taskhub(arguments.toArray(String[]::new));
        assertExit(result, 0);
        return field(result.json().path("instances"), "instanceId");
    }

    private static void assertExit(CommandResult result, int expected) {
        assertThat(result.exitCode()).as(result::describe).isEqualTo(expected);
    }

    /** Eight random digits, for task hub names unique to one run. */
    static String uniqueSuffix() {
        return HexFormat.of().toHexDigits(RANDOM.nextInt()).replaceAll("[a-f]", "7");
    }

    private static String uniqueId(String scenario) {
        return scenario + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
    }

    private static String startedAt(JsonNode status) {
        return status.path("historyEvents").path(0).path("Timestamp").asText();
    }

}
