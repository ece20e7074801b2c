package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.security.ApiKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** API keys, task-hub isolation and the bind policy. */
class SecurityTest extends HttpApiTestBase {
    private static final String KEY = "s3cret-key";
    private static final String OTHER_KEY = "another key/with+symbols";

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withApiKeys(List.of(KEY, OTHER_KEY));
    }

    private String keyed(String path) {
        return api(path) + "&code=" + enc(KEY);
    }

    @Test
    void everyRoute_withoutAKey_is401WithAJsonMessage() {
        for (Http.Reply reply : new Http.Reply[] {
            http.post(api("/orchestrators/E1_HelloSequence")),
            http.get(api("/instances")),
            http.get(api("/instances/x")),
            http.delete(api("/instances/x")),
            http.get(base() + "/taskhub/v1/health"),
            http.post(base() + "/orchestrators/E1_HelloSequence/wait?timeout=2&retryInterval=0.5"),
            http.get(base() + "/no/such/route"),
        }) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().get("Message").asText()).contains("API key");
        }
        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void aWrongKey_is401_andNothingIsStored() {
        Http.Reply reply = http.post(api("/orchestrators/E1_HelloSequence") + "&code=" + KEY + "x");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("Message").asText()).isEqualTo("The API key is not valid.");
        assertThat(client().list(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void theKey_asQueryOrHeader_isAccepted_andLinksCarryIt() {
        Http.Reply started = http.post(keyed("/orchestrators/E1_HelloSequence"));
        assertThat(started.status()).isEqualTo(202);
        String statusUri = started.json().get("statusQueryGetUri").asText();
        assertThat(statusUri).endsWith("&code=" + ManagementUrls.encode(KEY));
        assertThat(started.json().get("terminatePostUri").asText()).endsWith("&code=" + ManagementUrls.encode(KEY));
        awaitStatus(started.json().get("id").asText(), RuntimeStatus.Completed);

        assertThat(http.get(statusUri).status()).isEqualTo(200);
        assertThat(http.get(api("/instances"), "x-functions-key", OTHER_KEY).status()).isEqualTo(200);
        assertThat(http.get(api("/instances") + "&code=" + enc(OTHER_KEY)).status()).isEqualTo(200);
    }

    @Test
    void taskHubs_areIsolated_noRouteReadsOrChangesAnotherHubsInstances() {
        String id = http.postJson(keyed("/orchestrators/Approval/shared-id"), "{\"timeoutSeconds\":3600}")
                .json().get("id").asText();
        awaitStatus(id, RuntimeStatus.Running);
        String other = hub + "other";
        String otherApi = base() + WEBHOOK + "%s?taskHub=" + other + "&code=" + enc(KEY);

        assertThat(http.get(otherApi.formatted("/instances/" + id)).status()).isEqualTo(404);
        assertThat(http.get(otherApi.formatted("/instances")).json().size()).isZero();
        assertThat(http.post(otherApi.formatted("/instances/" + id + "/terminate")).status()).isEqualTo(404);
        assertThat(http.postJson(otherApi.formatted("/instances/" + id + "/raiseEvent/ApprovalEvent"), "1").status())
                .isEqualTo(404);
        assertThat(http.delete(otherApi.formatted("/instances/" + id)).status()).isEqualTo(404);
        assertThat(http.get(base() + "/taskhub/v1/counts?taskHub=" + other + "&code=" + KEY).json()
                .get("total").asLong()).isZero();
        assertThat(http.post(otherApi.formatted("/orchestrators/E1_HelloSequence/" + id)).status()).isEqualTo(202);

        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(metadata(id).name()).isEqualTo("Approval");
        clients.forTaskHub(other).deleteTaskHub();
    }

    @Test
    void bindingBeyondLoopbackWithoutKeys_isRefused_unlessExplicitlyInsecure() {
        HttpConfig open = HttpConfig.defaults().withHost("0.0.0.0").withPort(0);

        assertThatThrownBy(() -> new TaskhubHttpServer(open, clients).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("API key");
        TaskhubHttpServer.refuseInsecureBind(open.withApiKeys(List.of("k")));
        TaskhubHttpServer.refuseInsecureBind(open.withAllowInsecureBind(true));
        TaskhubHttpServer.refuseInsecureBind(HttpConfig.defaults().withHost("localhost"));
        TaskhubHttpServer.refuseInsecureBind(HttpConfig.defaults().withHost("::1"));
    }

    @Test
    void defaults_bindLoopback_andConfigNeverPrintsKeys() {
        assertThat(HttpConfig.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(HttpConfig.defaults().port()).isEqualTo(7071);
        assertThat(httpConfig().toString()).doesNotContain(KEY).contains("2 configured");
    }

    @Test
    void apiKeys_compareWholeKeys() {
        ApiKeys keys = new ApiKeys(List.of(KEY, OTHER_KEY));

        assertThat(keys.accepts(KEY)).isTrue();
        assertThat(keys.accepts(OTHER_KEY)).isTrue();
        assertThat(keys.accepts(KEY.substring(1))).isFalse();
        assertThat(keys.accepts(KEY + " ")).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
        assertThat(new ApiKeys(List.of()).required()).isFalse();
    }
}
