package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol around the routes: the three prefixes, case-insensitive operation names, trailing slashes, wrong
 * methods, encoded ids, and malformed requests, each answered with the documented error and nothing stored
 * changed.
 */
class RequestHandlingTest extends HttpApiTestBase {
    private static final long LIMIT = 64 * 1024;

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withMaxRequestBytes(LIMIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/runtime/webhooks/durabletask", "/durabletask", "/admin/extensions/DurableTaskExtension"})
    void everyPrefix_servesTheSameApi(String prefix) {
        Http.Reply started = http.post(base() + prefix + "/orchestrators/E1_HelloSequence?taskHub=" + hub);
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().get("id").asText();
        awaitStatus(id, RuntimeStatus.Completed);

        assertThat(http.get(base() + prefix + "/instances/" + id + "?taskHub=" + hub).status()).isEqualTo(200);
        assertThat(http.get(base() + prefix + "/instances?taskHub=" + hub).json().size()).isEqualTo(1);
        assertThat(http.delete(base() + prefix + "/instances/" + id + "?taskHub=" + hub).status()).isEqualTo(200);
    }

    @Test
    void operationNames_matchCaseInsensitively_andTrailingSlashesAreAllowed() {
        String id = running();

        assertThat(http.post(api("/INSTANCES/" + id + "/Suspend/")).status()).isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Suspended);
        assertThat(http.post(api("/instances/" + id + "/RESUME")).status()).isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Running);
        assertThat(http.postJson(api("/Instances/" + id + "/RaiseEVENT/ApprovalEvent/"), "1").status())
                .isEqualTo(202);
        awaitStatus(id, RuntimeStatus.Completed);
        assertThat(http.get(api("/instances/" + id + "/")).status()).isEqualTo(200);
        assertThat(http.get(base() + "/Runtime/WebHooks/DurableTask/Instances/?taskHub=" + hub).status())
                .isEqualTo(200);
    }

    @Test
    void wrongMethodsAndUnknownRoutes_are404_withAJsonMessage() {
        String id = running();

        for (Http.Reply reply : new Http.Reply[] {
            http.method("PUT", api("/instances/" + id)),
            http.get(api("/instances/" + id + "/terminate")),
            http.get(api("/orchestrators/Approval")),
            http.method("PATCH", api("/instances")),
            http.post(api("/instances/" + id + "/explode")),
            http.get(base() + "/nothing/here"),
        }) {
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.json().get("Message").asText()).isNotBlank();
        }
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @ParameterizedTest
    @ValueSource(strings = {"with space", "ünïcödé-日本", "100%sure", "a+b", "semi;colon", "tab\u00a0nbsp"})
    void encodedInstanceIds_roundTripThroughEveryRoute(String instanceId) {
        Http.Reply started = http.postJson(api("/orchestrators/Approval/" + enc(instanceId)), "{\"timeoutSeconds\":3600}");
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.json().get("id").asText()).isEqualTo(instanceId);
        String statusUri = started.json().get("statusQueryGetUri").asText();
        assertThat(statusUri).contains("/instances/" + enc(instanceId) + "?");
        awaitStatus(instanceId, RuntimeStatus.Running);

        assertThat(http.get(statusUri).json().get("instanceId").asText()).isEqualTo(instanceId);
        assertThat(http.postJson(api("/instances/" + enc(instanceId) + "/raiseEvent/ApprovalEvent"), "7").status())
                .isEqualTo(202);
        awaitStatus(instanceId, RuntimeStatus.Completed);
        assertThat(http.delete(statusUri).status()).isEqualTo(200);
        assertThat(http.get(statusUri).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%40starts-with-at", "back%5Cslash", "question%3Fmark", "hash%23tag", "slash%2Fin-id",
        "ctrl%01char"})
    void invalidInstanceIds_areRefusedAtStart_andNothingIsStored(String encodedId) {
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence/" + encodedId));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("Message").asText()).isNotBlank();
        assertThat(reply.body()).doesNotContain("\tat ").doesNotContain(".java:");
        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void tooLongInstanceId_isRefusedAtStart() {
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence/" + "x".repeat(257)));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("ExceptionMessage").asText()).contains("256");
        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void nulCharacterInThePath_isRefusedWithJson() {
        Http.Reply reply = http.get(base() + WEBHOOK + "/instances/a%00b?taskHub=" + hub);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("Message").asText()).isNotBlank();
    }

    @Test
    void invalidJsonInput_is400_andNothingIsStored() {
        Http.Reply reply = http.postJson(api("/orchestrators/E1_HelloSequence/bad-json"), "{\"unclosed\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.fieldNames()).containsExactly("Message", "ExceptionMessage", "ExceptionType");
        assertThat(reply.json().get("Message").asText()).isEqualTo("Invalid JSON content");
        assertThat(reply.body()).doesNotContain("\tat ").doesNotContain(".java:");
        assertThat(http.get(api("/instances/bad-json")).status()).isEqualTo(404);
        assertThat(http.postJson(api("/orchestrators/E1_HelloSequence"), "1 2").status()).isEqualTo(400);
        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void oversizedBody_is413_andNothingIsStored() {
        String big = "\"" + "x".repeat((int) LIMIT) + "\"";

        Http.Reply declared = http.postJson(api("/orchestrators/E1_HelloSequence/too-big"), big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().get("Message").asText()).contains(String.valueOf(LIMIT));

        Http.Reply chunked = http.send(HttpRequest.newBuilder(URI.create(api("/orchestrators/E1_HelloSequence/chunked")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
        assertThat(chunked.status()).isEqualTo(413);

        String id = running();
        Http.Reply event = http.postJson(api("/instances/" + id + "/raiseEvent/ApprovalEvent"), big);
        assertThat(event.status()).isEqualTo(413);
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(client().list(InstanceQuery.all()).instances()).hasSize(1);
    }

    @Test
    void bodyJustUnderTheLimit_isAccepted() {
        String input = "\"" + "x".repeat((int) LIMIT - 2) + "\"";

        Http.Reply reply = http.postJson(api("/orchestrators/Approval/big-ok"), input);

        assertThat(reply.status()).isEqualTo(202);
    }

    @Test
    void badQueryValues_are400WithAPreciseMessage_andNothingIsStored() {
        Http.Reply badStartAt = http.post(api("/orchestrators/E1_HelloSequence?startAt=tomorrow"));
        assertThat(badStartAt.status()).isEqualTo(400);
        assertThat(badStartAt.json().get("ExceptionMessage").asText()).contains("startAt").contains("tomorrow");

        Http.Reply badTimeout = http.post(api("/orchestrators/E1_HelloSequence?timeout=soon&pollingInterval=1"));
        assertThat(badTimeout.status()).isEqualTo(400);

        Http.Reply badHub = http.get(base() + WEBHOOK + "/instances?taskHub=no!");
        assertThat(badHub.status()).isEqualTo(400);
        assertThat(badHub.json().get("ExceptionMessage").asText()).contains("no!");

        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }
}
