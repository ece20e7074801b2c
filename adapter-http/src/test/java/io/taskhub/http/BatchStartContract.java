package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /taskhub/v1/start}: Durable Functions' start messages, batched. Every item is checked first; all or
 * nothing unless {@code partial=true}; on a backend that creates batches in one transaction a conflict also
 * refuses the whole batch.
 */
abstract class BatchStartContract extends HttpApiTestBase {
    private Http.Reply post(String query, String body) {
        return http.postJson(base() + "/taskhub/v1/start?taskHub=" + hub + query, body);
    }

    private static String message(String name, String id) {
        return "{\"FunctionName\":\"" + name + "\",\"Input\":{\"n\":1}" + (id == null ? "" : ",\"InstanceId\":\"" + id
                + "\"") + "}";
    }

    private List<String> storedIds() {
        return client().list(InstanceQuery.all()).instances().stream().map(InstanceMetadata::instanceId).toList();
    }

    @Test
    void anArrayOfStartMessages_startsEveryInstance_withItsLink() {
        Http.Reply reply = post("", "[" + message("E1_HelloSequence", "b-1") + "," + message("E1_HelloSequence", null)
                + "," + message("Approval", "b-3") + "]");

        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        JsonNode answer = reply.json();
        assertThat(answer).hasSize(3);
        assertThat(answer.get(0).get("id").asText()).isEqualTo("b-1");
        assertThat(answer.get(2).get("statusQueryGetUri").asText()).contains("/instances/b-3?taskHub=" + hub);
        String generated = answer.get(1).get("id").asText();
        awaitStatus("b-1", RuntimeStatus.Completed);
        awaitStatus(generated, RuntimeStatus.Completed);
        assertThat(storedIds()).containsExactlyInAnyOrder("b-1", generated, "b-3");
    }

    @Test
    void oneStartMessage_alone_isABatchOfOne() {
        Http.Reply reply = post("", message("E1_HelloSequence", "single"));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json()).hasSize(1);
        awaitStatus("single", RuntimeStatus.Completed);
    }

    @Test
    void anInvalidItem_refusesTheBatch_listingEveryError_andStartsNothing() {
        Http.Reply reply = post("", "[" + message("E1_HelloSequence", "ok-1") + "," + message("NoSuchThing", "bad")
                + ",{\"Input\":1}," + message("E1_HelloSequence", "bad/id") + "]");

        assertThat(reply.status()).isEqualTo(400);
        JsonNode errors = reply.json().get("Errors");
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0).get("error").asText()).startsWith("not started");
        assertThat(errors.get(1).get("error").asText()).contains("NoSuchThing");
        assertThat(errors.get(2).get("error").asText()).contains("orchestrator name is required");
        assertThat(errors.get(3).get("error").asText()).contains("bad/id");
        assertThat(reply.json().get("Message").asText()).contains("item 1").contains("item 3");
        assertThat(storedIds()).isEmpty();
    }

    @Test
    void partial_startsTheValidItems_andReportsTheOthers() {
        Http.Reply reply = post("&partial=true", "[" + message("E1_HelloSequence", "p-1") + ","
                + message("NoSuchThing", "p-2") + "," + message("E1_HelloSequence", "p-3") + "]");

        assertThat(reply.status()).isEqualTo(202);
        JsonNode answer = reply.json();
        assertThat(answer.get(0).get("id").asText()).isEqualTo("p-1");
        assertThat(answer.get(1).get("error").asText()).contains("NoSuchThing");
        assertThat(answer.get(2).get("id").asText()).isEqualTo("p-3");
        assertThat(storedIds()).containsExactlyInAnyOrder("p-1", "p-3");
    }

    @Test
    void anIdInUse_refusesTheBatch_onABackendThatCreatesItAtomically_andPartialStartsTheRest() {
        String taken = running();
        String batch = "[" + message("E1_HelloSequence", "c-1") + "," + message("E1_HelloSequence", taken) + ","
                + message("E1_HelloSequence", "c-3") + "]";

        Http.Reply refused = post("", batch);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("Errors").get(1).get("error").asText()).contains(taken);
        if (backend.taskHub(hub).createsBatchesAtomically()) {
            assertThat(storedIds()).containsExactly(taken);
        }

        Http.Reply partial = post("&partial=true", batch.replace("c-1", "d-1").replace("c-3", "d-3"));
        assertThat(partial.status()).isEqualTo(202);
        assertThat(partial.json().get(1).get("error").asText()).contains(taken);
        assertThat(storedIds()).contains("d-1", "d-3");
    }

    @Test
    void moreThanTheLimit_orNotJson_isRefused() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(message("E1_HelloSequence", null));
        }
        assertThat(post("", "[" + String.join(",", many) + "]").status()).isEqualTo(400);
        assertThat(post("", "[1,").status()).isEqualTo(400);
        assertThat(post("", "\"just text\"").status()).isEqualTo(400);
        assertThat(storedIds()).isEmpty();
    }
}
