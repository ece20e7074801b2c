package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.samples.RewindDemo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Raise event, suspend/resume/rewind/restart effects, and wait-for-completion with the convenience routes. */
class EventsAndWaitTest extends HttpApiTestBase {

    @Test
    void raiseEvent_toWaitingInstance_is202AndDeliversThePayload() {
        String id = running();

        Http.Reply reply = http.postJson(api("/instances/" + id + "/raiseEvent/ApprovalEvent"), "{\"approved\":true}");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.body()).isEmpty();
        assertThat(awaitStatus(id, RuntimeStatus.Completed).output()).isEqualTo("{\"approved\":true}");
    }

    @Test
    void raiseEvent_checksInstanceBeforeBody_404Then410Then400() {
        String done = start("E1_HelloSequence", null);
        awaitStatus(done, RuntimeStatus.Completed);
        String waiting = running();

        assertThat(http.post(api("/instances/nobody/raiseEvent/E"), "text/plain", "x").status()).isEqualTo(404);
        Http.Reply gone = http.post(api("/instances/" + done + "/raiseEvent/E"), "text/plain", "x");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body()).isEmpty();
        assertThat(http.postJson(api("/instances/" + done + "/raiseEvent/E"), "{}").status()).isEqualTo(410);

        Http.Reply wrongType = http.post(api("/instances/" + waiting + "/raiseEvent/ApprovalEvent"), "text/plain", "1");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("Message").asText())
                .isEqualTo("Only application/json request content is supported");
        Http.Reply noType = http.post(api("/instances/" + waiting + "/raiseEvent/ApprovalEvent"), null, "1");
        assertThat(noType.status()).isEqualTo(400);

        Http.Reply badJson = http.postJson(api("/instances/" + waiting + "/raiseEvent/ApprovalEvent"), "{oops");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.json().get("Message").asText()).isEqualTo("Invalid JSON content");
        assertThat(badJson.json().has("ExceptionMessage")).isTrue();
        assertThat(badJson.json().has("ExceptionType")).isTrue();

        assertThat(metadata(waiting).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(http.postJson(api("/instances/" + waiting + "/raiseEvent/ApprovalEvent"),
                "\"later\"").status()).isEqualTo(202);
        assertThat(awaitStatus(waiting, RuntimeStatus.Completed).output()).isEqualTo("\"later\"");
    }

    @Test
    void raiseEvent_toSuspendedInstance_isDeliveredAfterResume() {
        String id = running();
        assertThat(http.post(api("/instances/" + id + "/suspend?reason=hold")).status()).isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Suspended);

        assertThat(http.postJson(api("/instances/" + id + "/raiseEvent/ApprovalEvent"), "42").status())
                .isEqualTo(202);
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Suspended);

        assertThat(http.post(api("/instances/" + id + "/resume?reason=go")).status()).isEqualTo(202);
        assertThat(awaitStatus(id, RuntimeStatus.Completed).output()).isEqualTo("42");
        var history = http.get(api("/instances/" + id + "?showHistory=true")).json().get("historyEvents");
        assertThat(history.findValuesAsText("EventType")).contains("ExecutionSuspended", "ExecutionResumed",
                "EventRaised");
        assertThat(history.findValuesAsText("Reason")).contains("hold", "go");
    }

    @Test
    void raiseEvent_toPendingInstance_isBuffered() {
        String id = http.postJson(api("/orchestrators/Approval?startAt=" + java.time.Instant.now().plusSeconds(1)),
                "{\"timeoutSeconds\":3600}").json().get("id").asText();

        assertThat(http.postJson(api("/instances/" + id + "/raiseEvent/ApprovalEvent"), "\"early\"").status())
                .isEqualTo(202);

        assertThat(awaitStatus(id, RuntimeStatus.Completed).output()).isEqualTo("\"early\"");
    }

    @Test
    void rewind_failedInstance_rerunsOnlyWhatFailed() {
        String id = start("RewindDemo", null);
        awaitStatus(id, RuntimeStatus.Failed);

        assertThat(http.post(api("/instances/" + id + "/rewind?reason=fixed")).status()).isEqualTo(202);

        assertThat(awaitStatus(id, RuntimeStatus.Completed).output()).isEqualTo("\"Recovered\"");
        assertThat(RewindDemo.stepRuns(id)).isEqualTo(1);
        assertThat(RewindDemo.flakyRuns(id)).isEqualTo(2);
    }

    @Test
    void terminate_isRecursiveByDefault_andNotWhenToldNot() {
        String parent = http.postJson(api("/orchestrators/ParentWithChild/t-rec"), "{\"timeoutSeconds\":3600}")
                .json().get("id").asText();
        String flat = http.postJson(api("/orchestrators/ParentWithChild/t-flat"), "{\"timeoutSeconds\":3600}")
                .json().get("id").asText();
        awaitStatus(parent + ":child", RuntimeStatus.Running);
        awaitStatus(flat + ":child", RuntimeStatus.Running);

        http.post(api("/instances/" + parent + "/terminate?reason=stop"));
        http.post(api("/instances/" + flat + "/terminate?reason=stop&recursive=false"));

        awaitStatus(parent + ":child", RuntimeStatus.Terminated);
        awaitStatus(flat, RuntimeStatus.Terminated);
        assertThat(metadata(flat + ":child").runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void restart_withNewId_startsAnotherInstanceWithTheSameInput() {
        String id = http.postJson(api("/orchestrators/FanOutFanIn"), "{\"count\":3}").json().get("id").asText();
        awaitStatus(id, RuntimeStatus.Completed);

        Http.Reply reply = http.post(api("/instances/" + id + "/restart"));

        assertThat(reply.status()).isEqualTo(202);
        String restarted = reply.json().get("id").asText();
        assertThat(restarted).isNotEqualTo(id);
        assertThat(reply.header("Location")).contains("/instances/" + restarted);
        assertThat(awaitStatus(restarted, RuntimeStatus.Completed).input()).isEqualTo("{\"count\":3}");
    }

    @Test
    void restart_sameId_whileRunningIs409_missingIs400_finishedWaitsWhenAsked() {
        String waiting = running();
        assertThat(http.post(api("/instances/" + waiting + "/restart?restartWithNewInstanceId=false")).status())
                .isEqualTo(409);

        Http.Reply missing = http.post(api("/instances/nobody/restart"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("Message").asText())
                .isEqualTo("InstanceId does not match a valid orchestration instance.");

        String done = start("E1_HelloSequence", null);
        awaitStatus(done, RuntimeStatus.Completed);
        Http.Reply waited = http.post(api("/instances/" + done
                + "/restart?restartWithNewInstanceId=false&timeout=20&pollingInterval=1"));
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
    }

    @Test
    void convenienceWaitRoute_literal_answersTheOutput() {
        Http.Reply reply = http.post(base() + "/orchestrators/E1_HelloSequence/wait?timeout=2&retryInterval=0.5");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.body()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
    }

    @Test
    void convenienceRoutes_underApi_startAndWait() {
        Http.Reply started = http.post(base() + "/api/orchestrators/E1_HelloSequence?taskHub=" + hub);
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.json().get("statusQueryGetUri").asText()).contains("taskHub=" + hub);

        Http.Reply withId = http.post(base() + "/api/orchestrators/E1_HelloSequence/api-id?taskHub=" + hub);
        assertThat(withId.json().get("id").asText()).isEqualTo("api-id");

        Http.Reply waited = http.postJson(base() + "/api/orchestrators/FanOutFanIn/wait?taskHub=" + hub,
                "{\"count\":10}");
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.body()).isEqualTo("45");
    }

    @Test
    void wait_stillRunningAfterTimeout_answersTheCheckStatusResponse() {
        long started = System.nanoTime();
        Http.Reply reply = http.postJson(api("/orchestrators/Approval?timeout=0.5&pollingInterval=0.1"),
                "{\"timeoutSeconds\":3600}");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().has("statusQueryGetUri")).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void wait_failedAndTerminated_answerTheStatus_500OnlyWhenAsked() {
        Http.Reply failed = http.post(api("/orchestrators/RewindDemo?timeout=20&pollingInterval=1"));
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.json().get("runtimeStatus").asText()).isEqualTo("Failed");

        Http.Reply asked = http.post(base() + "/api/orchestrators/RewindDemo/wait?timeout=20"
                + "&returnInternalServerErrorOnFailure=true&taskHub=" + hub);
        assertThat(asked.status()).isEqualTo(500);
        assertThat(asked.json().get("runtimeStatus").asText()).isEqualTo("Failed");
    }

    @Test
    void wait_isWokenByCompletion_notByPolling() {
        long started = System.nanoTime();
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence?timeout=240&pollingInterval=239"));

        assertThat(reply.status()).isEqualTo(200);
        // A wait that only looked again at its polling interval would answer after 239 s; a woken one answers as
        // soon as the sequence completes. Half the interval leaves any slow machine room.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(120));
    }

    @Test
    void wait_pollingIntervalLargerThanTimeout_is400_andNothingStarts() {
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence?timeout=1&pollingInterval=2"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("ExceptionMessage").asText()).contains("polling interval");
        assertThat(client().list(io.taskhub.ports.query.InstanceQuery.all()).instances()).isEmpty();
    }
}
