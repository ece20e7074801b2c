package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.security.ApiKeys;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Taskhub's own routes under /taskhub/v1, and the management payload built outside a request. */
class TaskhubExtrasTest extends HttpApiTestBase {

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withPublicBaseUrl("https://taskhub.example.com/").withPurgeTimeBudget(Duration.ZERO);
    }

    @Test
    void health_and_ready_answer200() {
        Http.Reply health = http.get(base() + "/taskhub/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"Healthy\"}");

        Http.Reply ready = http.get(base() + "/taskhub/v1/ready?taskHub=" + hub);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("Ready");
        assertThat(ready.json().get("taskHub").asText()).isEqualTo(hub);
    }

    @Test
    void counts_listEveryStatus_withTheListFilters() {
        String done = start("E1_HelloSequence", null);
        running();
        awaitStatus(done, RuntimeStatus.Completed);

        JsonNode all = http.get(base() + "/taskhub/v1/counts?taskHub=" + hub).json();
        assertThat(all.get("total").asLong()).isEqualTo(2);
        assertThat(all.get("counts").get("Completed").asLong()).isEqualTo(1);
        assertThat(all.get("counts").get("Running").asLong()).isEqualTo(1);
        assertThat(all.get("counts").size()).isEqualTo(RuntimeStatus.values().length);

        JsonNode named = http.get(base() + "/taskhub/v1/counts?name=Approval&taskHub=" + hub).json();
        assertThat(named.get("total").asLong()).isEqualTo(1);
    }

    @Test
    void openApi_describesEveryServedRoute() {
        JsonNode doc = http.get(base() + "/taskhub/v1/openapi.json").json();

        assertThat(doc.get("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.get("paths");
        RequestSupport support = new RequestSupport(clients, httpConfig(), new ApiKeys(java.util.List.of()));
        var routes = new ManagementRoutes(support, httpConfig(), FunctionCatalog.NONE, HttpMetrics.NONE).routes();
        assertThat(routes).hasSizeGreaterThan(40);
        for (Route route : routes) {
            JsonNode operation = paths.path(route.path()).path(route.method().name().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject()).as(route.method() + " " + route.path()).isTrue();
            assertThat(operation.get("responses").size()).as(route.path()).isPositive();
        }
        assertThat(paths.has(WEBHOOK + "/instances/{instanceId}/raiseEvent/{eventName}")).isTrue();
        assertThat(paths.has("/orchestrators/{functionName}/wait")).isTrue();
        assertThat(paths.has("/taskhub/v1/openapi.json")).isTrue();
        assertThat(doc.findValuesAsText("operationId")).doesNotHaveDuplicates();
    }

    @Test
    void durableClientBinding_pointsAtThePublicUrl_whenOneIsSet() {
        JsonNode binding = http.get(base() + "/taskhub/v1/durable-client?taskHub=" + hub).json();
        String origin = "https://taskhub.example.com";

        assertThat(binding.get("taskHubName").asText()).isEqualTo(hub);
        assertThat(binding.get("rpcBaseUrl").asText()).isEqualTo(origin + "/durabletask/");
        assertThat(binding.get("baseUrl").asText()).isEqualTo(origin + WEBHOOK);
        assertThat(binding.get("managementUrls").get("id").asText()).isEqualTo("INSTANCEID");
        assertThat(binding.get("managementUrls").get("statusQueryGetUri").asText())
                .isEqualTo(origin + WEBHOOK + "/instances/INSTANCEID?taskHub=" + hub + "&connection=Storage");
        assertThat(binding.get("creationUrls").get("createNewInstancePostUri").asText())
                .startsWith(origin + WEBHOOK + "/orchestrators/{functionName}[/{instanceId}]?");
    }

    @Test
    void managementPayload_outsideARequest_usesThePublicUrl() throws Exception {
        JsonNode payload = Http.MAPPER.readTree(server.createHttpManagementPayload(hub, "order 7"));

        assertThat(payload.get("id").asText()).isEqualTo("order 7");
        assertThat(payload.get("statusQueryGetUri").asText()).isEqualTo("https://taskhub.example.com" + WEBHOOK
                + "/instances/order%207?taskHub=" + hub + "&connection=Storage");
    }

    @Test
    void purgeByFilter_pastItsTimeBudget_saysIncomplete_andTheNextCallContinues() {
        java.time.Instant from = java.time.Instant.now().minusSeconds(5);
        int count = 501;
        for (int i = 0; i < count; i++) {
            client().startNew(io.taskhub.ports.client.StartInstanceRequest.of("FanOutFanIn", "{\"count\":0}"));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client()
                .countByStatus(io.taskhub.ports.query.InstanceQuery.all()).getOrDefault(RuntimeStatus.Completed, 0L)
                == count);

        JsonNode first = http.delete(api("/instances?createdTimeFrom=" + from)).json();
        assertThat(first.get("isComplete").asBoolean()).isFalse();
        int deleted = first.get("instancesDeleted").asInt();
        assertThat(deleted).isBetween(1, count - 1);

        JsonNode second = http.delete(api("/instances?createdTimeFrom=" + from)).json();
        assertThat(second.get("isComplete").asBoolean()).isTrue();
        assertThat(deleted + second.get("instancesDeleted").asInt()).isEqualTo(count);
    }
}
