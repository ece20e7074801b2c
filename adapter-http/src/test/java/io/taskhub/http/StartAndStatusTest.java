package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start, the check-status response, and get-status: codes, headers, JSON shapes and key order. */
class StartAndStatusTest extends HttpApiTestBase {
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    @Test
    void start_answers202WithCheckStatusPayloadHeadersAndKeyOrder() {
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence"));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.header("Content-Type")).startsWith("application/json").contains("charset=utf-8");
        assertThat(reply.header("Retry-After")).isEqualTo("10");
        assertThat(reply.fieldNames()).containsExactly("id", "statusQueryGetUri", "sendEventPostUri",
                "terminatePostUri", "rewindPostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri",
                "resumePostUri");
        JsonNode body = reply.json();
        String id = body.get("id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        String instance = base() + WEBHOOK + "/instances/" + id;
        String q = "taskHub=" + hub + "&connection=Storage";
        assertThat(reply.header("Location")).isEqualTo(instance + "?" + q);
        assertThat(body.get("statusQueryGetUri").asText()).isEqualTo(instance + "?" + q);
        assertThat(body.get("sendEventPostUri").asText()).isEqualTo(instance + "/raiseEvent/{eventName}?" + q);
        assertThat(body.get("terminatePostUri").asText()).isEqualTo(instance + "/terminate?reason={text}&" + q);
        assertThat(body.get("rewindPostUri").asText()).isEqualTo(instance + "/rewind?reason={text}&" + q);
        assertThat(body.get("purgeHistoryDeleteUri").asText()).isEqualTo(instance + "?" + q);
        assertThat(body.get("restartPostUri").asText()).isEqualTo(instance + "/restart?" + q);
        assertThat(body.get("suspendPostUri").asText()).isEqualTo(instance + "/suspend?reason={text}&" + q);
        assertThat(body.get("resumePostUri").asText()).isEqualTo(instance + "/resume?reason={text}&" + q);
    }

    @Test
    void statusQueryGetUri_canBeFollowedAsGiven_untilCompleted() {
        String statusUri = http.post(api("/orchestrators/E1_HelloSequence")).json().get("statusQueryGetUri").asText();
        awaitCompleted(statusUri);

        Http.Reply status = http.get(statusUri);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("output").toString())
                .isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
    }

    @Test
    void getStatus_completed_hasKeysInOrderWithSecondPrecisionTimestampsAndNoContinuationHeader() {
        String id = start("E1_HelloSequence", null);
        awaitStatus(id, RuntimeStatus.Completed);

        Http.Reply reply = http.get(api("/instances/" + id));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.hasHeader("x-ms-continuation-token")).isFalse();
        assertThat(reply.fieldNames()).containsExactly("name", "instanceId", "runtimeStatus", "input",
                "customStatus", "output", "createdTime", "lastUpdatedTime");
        JsonNode body = reply.json();
        assertThat(body.get("name").asText()).isEqualTo("E1_HelloSequence");
        assertThat(body.get("instanceId").asText()).isEqualTo(id);
        assertThat(body.get("runtimeStatus").asText()).isEqualTo("Completed");
        assertThat(body.get("input").isNull()).isTrue();
        assertThat(body.get("customStatus").isNull()).isTrue();
        assertThat(body.get("createdTime").asText()).matches(TIMESTAMP);
        assertThat(body.get("lastUpdatedTime").asText()).matches(TIMESTAMP);
    }

    @Test
    void getStatus_running_is202WithLocationOfThisRequestAndRetryAfter5() {
        String id = running();
        String url = api("/instances/" + id) + "&showInput=true";

        Http.Reply reply = http.get(url);

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.header("Location")).isEqualTo(url);
        assertThat(reply.header("Retry-After")).isEqualTo("5");
        assertThat(reply.hasHeader("x-ms-continuation-token")).isFalse();
        assertThat(reply.json().get("input").get("timeoutSeconds").asInt()).isEqualTo(3600);
        assertThat(reply.json().get("customStatus").asText()).isEqualTo("Waiting");
    }

    @Test
    void getStatus_missingInstance_is404WithEmptyBody() {
        Http.Reply reply = http.get(api("/instances/no-such-instance"));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void getStatus_withHistory_showsPascalCaseEventsWithMergedSchedules() {
        String id = start("E1_HelloSequence", null);
        awaitStatus(id, RuntimeStatus.Completed);

        JsonNode withOutput = http.get(api("/instances/" + id + "?showHistory=true&showHistoryOutput=true")).json();
        assertThat(withOutput.has("historyEvents")).isTrue();
        JsonNode events = withOutput.get("historyEvents");
        List<String> types = events.findValuesAsText("EventType");
        assertThat(types).containsExactly("ExecutionStarted", "TaskCompleted", "TaskCompleted", "TaskCompleted",
                "ExecutionCompleted");
        JsonNode started = events.get(0);
        assertThat(started.get("FunctionName").asText()).isEqualTo("E1_HelloSequence");
        JsonNode first = events.get(1);
        assertThat(first.get("FunctionName").asText()).isEqualTo("E1_SayHello");
        assertThat(first.get("Result").asText()).isEqualTo("Hello Tokyo!");
        assertThat(first.has("ScheduledTime")).isTrue();
        assertThat(Instant.parse(first.get("Timestamp").asText())).isNotNull();
        assertThat(fieldNames(first)).first().isEqualTo("EventType");
        assertThat(fieldNames(first)).last().isEqualTo("Timestamp");
        JsonNode completed = events.get(4);
        assertThat(completed.get("OrchestrationStatus").asText()).isEqualTo("Completed");
        assertThat(completed.get("Result").size()).isEqualTo(3);

        JsonNode withoutOutput = http.get(api("/instances/" + id + "?showHistory=true")).json();
        assertThat(withoutOutput.get("historyEvents").findValues("Result")).isEmpty();
        assertThat(http.get(api("/instances/" + id)).json().has("historyEvents")).isFalse();
    }

    @Test
    void getStatus_showInputFalse_hidesInputButKeepsTheKey() {
        String id = running();

        JsonNode body = http.get(api("/instances/" + id + "?showInput=false")).json();

        assertThat(body.has("input")).isTrue();
        assertThat(body.get("input").isNull()).isTrue();
    }

    @Test
    void getStatus_unparsableBooleans_fallBackToDefaults() {
        String id = running();

        JsonNode body = http.get(api("/instances/" + id + "?showInput=perhaps&showHistory=maybe")).json();

        assertThat(body.get("input").isNull()).isFalse();
        assertThat(body.has("historyEvents")).isFalse();
    }

    @Test
    void getStatus_pendingWithHistoryRequested_leavesHistoryOut() {
        String startAt = Instant.now().plus(1, ChronoUnit.HOURS).toString();
        String id = http.post(api("/orchestrators/E1_HelloSequence?startAt=" + startAt)).json().get("id").asText();

        Http.Reply reply = http.get(api("/instances/" + id + "?showHistory=true"));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().get("runtimeStatus").asText()).isEqualTo("Pending");
        assertThat(reply.json().has("historyEvents")).isFalse();
    }

    @Test
    void getStatus_failed_outputIsTheFailureMessage_and500OnlyWhenAskedFor() {
        String id = start("RewindDemo", null);
        awaitStatus(id, RuntimeStatus.Failed);

        Http.Reply plain = http.get(api("/instances/" + id));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.json().get("output").asText()).contains("fails on its first run");

        Http.Reply asked = http.get(api("/instances/" + id + "?returnInternalServerErrorOnFailure=true"));
        assertThat(asked.status()).isEqualTo(500);
        assertThat(asked.json().get("runtimeStatus").asText()).isEqualTo("Failed");
    }

    @Test
    void getStatus_terminated_outputIsTheReason() {
        String id = running();
        assertThat(http.post(api("/instances/" + id + "/terminate?reason=no%20longer%20needed")).status())
                .isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Terminated);

        JsonNode body = http.get(api("/instances/" + id)).json();

        assertThat(body.get("output").asText()).isEqualTo("no longer needed");
    }

    @Test
    void start_withInputAndId_storesBoth() {
        Http.Reply reply = http.postJson(api("/orchestrators/FanOutFanIn/my-fan-out"), "{\"count\":4}");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().get("id").asText()).isEqualTo("my-fan-out");
        awaitStatus("my-fan-out", RuntimeStatus.Completed);
        JsonNode status = http.get(api("/instances/my-fan-out")).json();
        assertThat(status.get("input").get("count").asInt()).isEqualTo(4);
        assertThat(status.get("output").asInt()).isEqualTo(6);
    }

    @Test
    void start_readsTheBodyWhateverTheContentType_andAcceptsTheEmptyJsonString() {
        String plain = http.post(api("/orchestrators/Approval"), "text/plain", "{\"timeoutSeconds\":3600}")
                .json().get("id").asText();
        assertThat(metadata(plain).input()).isEqualTo("{\"timeoutSeconds\":3600}");

        Http.Reply emptyString = http.post(api("/orchestrators/E1_HelloSequence"), "application/json", "\"\"");
        assertThat(emptyString.status()).isEqualTo(202);
        assertThat(metadata(emptyString.json().get("id").asText()).input()).isEqualTo("\"\"");
    }

    @Test
    void start_existingActiveInstance_is409NamingTheStatus_andFinishedOneIsReplaced() {
        String id = running();

        Http.Reply conflict = http.post(api("/orchestrators/Approval/" + id));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("Message").asText())
                .isEqualTo("An Orchestration instance with the status Running already exists.");

        http.post(api("/instances/" + id + "/terminate"));
        awaitStatus(id, RuntimeStatus.Terminated);
        Http.Reply replaced = http.post(api("/orchestrators/E1_HelloSequence/" + id));
        assertThat(replaced.status()).isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Completed);
        assertThat(metadata(id).name()).isEqualTo("E1_HelloSequence");
    }

    @Test
    void start_withStartAtAndVersion_schedulesAndRecords() {
        Instant at = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String id = http.post(api("/orchestrators/E1_HelloSequence?version=2.1&startAt=" + at)).json()
                .get("id").asText();

        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(metadata(id).scheduledStartAt()).isEqualTo(at);
        assertThat(metadata(id).version()).isEqualTo("2.1");
    }

    @Test
    void start_unknownOrchestrator_is400NamingIt() {
        Http.Reply reply = http.post(api("/orchestrators/NoSuchOrchestrator"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("Message").asText()).isEqualTo(ErrorMapper.BAD_ARGUMENTS);
        assertThat(reply.json().get("ExceptionMessage").asText()).contains("NoSuchOrchestrator");
    }

    @Test
    void start_orchestratorNameIsCaseInsensitive() {
        String id = start("e1_hellosequence", null);

        assertThat(awaitStatus(id, RuntimeStatus.Completed).name()).isEqualTo("E1_HelloSequence");
    }

    private void awaitCompleted(String statusUri) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> http.get(statusUri).status() == 200);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
