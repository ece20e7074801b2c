package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /taskhub/v1/jobs}: a bulk job started with a list filter acts on what it matches and shows its progress;
 * a refused instance is counted and reported; a job can be cancelled; a bad request changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsTest extends HttpApiTestBase {

    @Test
    void terminateJob_endsEveryMatch_reportsTheRefusedOne_andShowsInTheList() {
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(running());
        }
        String other = start("E1_HelloSequence", null);
        awaitStatus(other, RuntimeStatus.Completed);
        String elsewhere = running();
        Http.Reply started = http.postJson(jobs("?name=Approval&runtimeStatus=Running"),
                "{\"operation\":\"terminate\",\"reason\":\"closing the quarter\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String job = started.json().path("id").asText();
        assertThat(started.header("Location")).endsWith("/taskhub/v1/jobs/" + job);

        JsonNode done = awaitJob(job);
        assertThat(done.path("operation").asText()).isEqualTo("terminate");
        assertThat(done.path("matched").asLong()).isEqualTo(4);
        assertThat(done.path("done").asLong()).isEqualTo(4);
        assertThat(done.path("failed").asLong()).isZero();
        assertThat(done.path("remaining").asLong()).isZero();
        for (String id : waiting) {
            awaitStatus(id, RuntimeStatus.Terminated);
        }
        awaitStatus(elsewhere, RuntimeStatus.Terminated);
        assertThat(metadata(other).runtimeStatus()).isEqualTo(RuntimeStatus.Completed);

        Http.Reply resumed = http.postJson(jobs("?name=Approval"), "{\"operation\":\"resume\"}");
        JsonNode refused = awaitJob(resumed.json().path("id").asText());
        assertThat(refused.path("failed").asLong()).as("a finished instance refuses to resume").isEqualTo(4);
        assertThat(refused.path("failures").get(0).path("reason").asText()).contains("Terminated");

        Http.Reply list = http.get(jobs(""));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("jobs")).extracting(j -> j.path("id").asText())
                .containsExactly(job, resumed.json().path("id").asText());
    }

    @Test
    void cancel_stopsARunningJob_andAFinishedOneIsGone() {
        Http.Reply started = http.postJson(jobs("?name=Approval"), "{\"operation\":\"raiseEvent\","
                + "\"eventName\":\"Approval\",\"eventData\":true}");
        String job = started.json().path("id").asText();
        JsonNode finished = awaitJob(job);
        assertThat(finished.path("runtimeStatus").asText()).isEqualTo("Completed");
        assertThat(http.post(jobs("/" + job + "/cancel")).status()).isEqualTo(410);
        assertThat(http.post(jobs("/nope/cancel")).status()).isEqualTo(404);
        assertThat(http.get(jobs("/nope")).status()).isEqualTo(404);
    }

    @Test
    void aBadRequest_isRefused_namingTheProblem_andStartsNothing() {
        assertRefused("{\"operation\":\"explode\"}", "explode");
        assertRefused("{\"operation\":\"raiseEvent\"}", "event name");
        assertRefused("{\"reason\":\"no operation\"}", "operation");
        assertRefused("not json", "JSON");
        assertRefused("{\"operation\":\"purge\",\"filter\":{\"runtimeStatus\":\"Failed\"}}", "Unknown field 'filter'");
        // A filter is never widened by what it ignores: each of these would otherwise select every instance.
        assertFilterRefused("?runtimeStatus=Sleepy", "Sleepy");
        assertFilterRefused("?runtimestatus=Completed", "Unknown query parameter 'runtimestatus'");
        assertFilterRefused("?instanceIdPrefix=", "'instanceIdPrefix' is empty");
        assertFilterRefused("?createdTimeTo=last-week", "last-week");
        assertThat(http.get(jobs("")).json().path("jobs")).as("nothing was started").isEmpty();
    }

    @Test
    void aJobOrchestratorStartedWithAnyInput_failsAndIsStillListed() {
        String odd = start(io.taskhub.ports.jobs.BulkJobs.ORCHESTRATOR, "\"not a job\"");
        awaitStatus(odd, RuntimeStatus.Failed);
        Http.Reply list = http.get(jobs(""));
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().path("jobs").get(0).path("id").asText()).isEqualTo(odd);
        assertThat(list.json().path("jobs").get(0).has("operation")).isFalse();
        assertThat(http.get(jobs("/" + odd)).status()).isEqualTo(200);
    }

    private void assertFilterRefused(String query, String problem) {
        Http.Reply reply = http.postJson(jobs(query), "{\"operation\":\"purge\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains(problem);
    }

    private void assertRefused(String body, String problem) {
        Http.Reply reply = http.postJson(jobs(""), body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.body()).containsIgnoringCase(problem);
    }

    private JsonNode awaitJob(String job) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode state = http.get(jobs("/" + job)).json();
            return state.path("complete").asBoolean() && state.path("runtimeStatus").asText().equals("Completed");
        });
        return http.get(jobs("/" + job)).json();
    }

    private String jobs(String rest) {
        String path = "/taskhub/v1/jobs" + rest;
        return base() + path + (path.contains("?") ? "&" : "?") + "taskHub=" + hub;
    }
}
