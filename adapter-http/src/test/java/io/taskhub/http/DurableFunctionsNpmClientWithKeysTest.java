package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With API keys on, the npm client in management-URL mode authenticates through the {@code code} its binding
 * data carries in every URL template.
 */
class DurableFunctionsNpmClientWithKeysTest extends DurableFunctionsNpmClientTest {
    private static final String KEY = "npm-client-key";

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withApiKeys(List.of(KEY));
    }

    @Override
    protected String binding(String taskHub) {
        return http.get(base() + "/taskhub/v1/durable-client?taskHub=" + taskHub + "&code=" + KEY).body();
    }

    @Test
    @Override
    void managementUrlMode_everyClientOperationWorks() {
        JsonNode binding = new Http.Reply(200, null, binding(hub)).json();
        assertThat(binding.get("requiredQueryStringParameters").asText()).isEqualTo("code=" + KEY);
        assertThat(binding.at("/creationUrls/createNewInstancePostUri").asText()).endsWith("&code=" + KEY);

        JsonNode results = runClient("management", hub);

        assertResults(results, "management", hub, "&code=" + KEY);
    }

    /** The RPC mode sends no key (like the Functions host's local endpoint): with keys on it is refused. */
    @Test
    @Override
    void rpcMode_everyClientOperationWorks() {
        NodeProject.Result result = node.node("client-check.js", java.util.Map.of("MODE", "rpc", "TASKHUB_BINDING",
                binding(DEFAULT_HUB)), 60);

        assertThat(result.exitCode()).as("the client script fails: %s", result.stderr()).isNotZero();
        assertThat(result.stderr()).contains("401");
    }
}
