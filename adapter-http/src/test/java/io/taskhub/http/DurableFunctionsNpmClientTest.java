package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.client.StatusOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The durable-functions npm client (3.5.0, pinned with its dependencies by src/test/node/package-lock.json)
 * drives this server through a DurableClient in both of its modes: with {@code rpcBaseUrl} (the local-RPC
 * prefix, default task hub) and with management URLs only (the webhook prefix, this test's task hub).
 */
class DurableFunctionsNpmClientTest extends HttpApiTestBase {
    protected NodeProject node;

    /** A real backend: what the client sees is what a deployment stores. */
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }

    @BeforeAll
    void installClient() {
        Assumptions.assumeFalse(Boolean.getBoolean("taskhub.npm.skip"), "taskhub.npm.skip is set");
        node = NodeProject.fromBuild();
        node.install();
    }

    @Test
    void rpcMode_everyClientOperationWorks() {
        JsonNode results = runClient("rpc", DEFAULT_HUB);

        assertResults(results, "rpc", DEFAULT_HUB);
    }

    @Test
    void managementUrlMode_everyClientOperationWorks() {
        JsonNode results = runClient("management", hub);

        assertResults(results, "management", hub);
        // Only this mode passes showInput=false on (the rpc mode sends options only when they are true).
        assertThat(results.at("/getStatus/withoutInput/input").isNull()).isTrue();
    }

    /** The binding data for a task hub, as the client would receive it. */
    protected String binding(String taskHub) {
        return http.get(base() + "/taskhub/v1/durable-client?taskHub=" + taskHub).body();
    }

    protected JsonNode runClient(String mode, String taskHub) {
        String binding = binding(taskHub);
        NodeProject.Result result = node.node("client-check.js", Map.of("MODE", mode, "TASKHUB_BINDING", binding,
                "RUN_TAG", hub), 180);
        assertThat(result.exitCode()).as("client-check.js failed:\n" + result.stderr()).isZero();
        return new Http.Reply(200, null, result.stdout()).json();
    }

    protected void assertResults(JsonNode r, String mode, String taskHub) {
        assertResults(r, mode, taskHub, "");
    }

    protected void assertResults(JsonNode r, String mode, String taskHub, String codeQuery) {
        String tag = mode + "-" + hub;
        String fanId = "npm-fan-" + tag;
        String hello = r.at("/startNew/generatedId").asText();
        assertThat(hello).matches("[0-9a-f]{32}");
        assertThat(r.at("/startNew/givenId").asText()).isEqualTo(fanId);

        assertThat(r.at("/waitCompleted/status").asInt()).isEqualTo(200);
        assertThat(r.at("/waitCompleted/body").toString())
                .isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");

        JsonNode full = r.at("/getStatus/full");
        assertThat(full.get("name").asText()).isEqualTo("FanOutFanIn");
        assertThat(full.get("instanceId").asText()).isEqualTo(fanId);
        assertThat(full.get("runtimeStatus").asText()).isEqualTo("Completed");
        assertThat(full.get("input").get("count").asInt()).isEqualTo(4);
        assertThat(full.get("output").asInt()).isEqualTo(6);
        assertThat(full.get("createdTime").asText()).endsWith("Z");
        assertThat(r.at("/getStatus/withoutInput/output").asInt()).isEqualTo(6);
        assertThat(r.at("/getStatusMissing").asText()).contains("404");

        assertThat(r.at("/raiseEvent/output/approved").asBoolean()).isTrue();

        JsonNode timedOut = r.at("/waitTimedOut");
        assertThat(timedOut.get("status").asInt()).isEqualTo(202);
        assertThat(timedOut.at("/body/id").asText()).isEqualTo("npm-life-" + tag);
        assertThat(timedOut.at("/headers/location").asText())
                .isEqualTo(timedOut.at("/body/statusQueryGetUri").asText())
                .contains("/instances/npm-life-" + tag);

        assertThat(r.at("/lifecycle/suspended").asText()).isEqualTo("Suspended");
        assertThat(r.at("/lifecycle/resumed").asText()).isEqualTo("Running");
        assertThat(r.at("/lifecycle/terminated").asText()).isEqualTo("Terminated");
        assertThat(r.at("/lifecycle/output").asText()).isEqualTo("stop");
        assertThat(r.at("/lifecycle/terminateAgain").isNull()).as("410 is accepted by the client").isTrue();

        assertThat(r.at("/rewind/output").asText()).isEqualTo("Recovered");
        assertThat(r.at("/rewind/rewindCompleted").asText()).as("412, shown with the client's own message")
                .isEqualTo("The rewind operation is only supported on failed orchestration instances.");

        List<String> all = texts(r.get("getStatusAll"));
        assertThat(all).contains(hello, fanId, "npm-approval-" + tag, "npm-life-" + tag, "npm-rewind-" + tag);
        assertThat(texts(r.get("getStatusByCompleted")))
                .containsExactlyInAnyOrder(hello, fanId, "npm-approval-" + tag, "npm-rewind-" + tag);
        assertThat(texts(r.get("getStatusByTerminatedOrFailed"))).containsExactly("npm-life-" + tag);
        assertThat(r.get("getStatusByPast").asInt()).isZero();

        assertThat(r.at("/purgeOne/instancesDeleted").asInt()).isEqualTo(1);
        assertThat(r.at("/purgeOneAgain/instancesDeleted").asInt()).isZero();
        assertThat(r.at("/purgeBy/instancesDeleted").asInt()).isEqualTo(4);
        assertThat(texts(r.get("afterPurge"))).doesNotContain(hello, fanId, "npm-life-" + tag);
        assertThat(clients.forTaskHub(taskHub).getStatus(fanId, StatusOptions.DEFAULT)).isEmpty();

        JsonNode payload = r.get("managementPayload");
        assertThat(payload.get("id").asText()).isEqualTo("some-id");
        assertThat(payload.get("statusQueryGetUri").asText()).isEqualTo(base() + WEBHOOK
                + "/instances/some-id?taskHub=" + taskHub + "&connection=Storage" + codeQuery);
    }

    private static List<String> texts(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asText()));
        return ids;
    }
}
