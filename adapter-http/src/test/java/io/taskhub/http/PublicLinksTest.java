package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With {@code http.publicBaseUrl} set, every link the server hands out is under it, whatever Host header a
 * request carries: a forged Host cannot make the server send its API key to another site.
 */
class PublicLinksTest extends HttpApiTestBase {
    private static final String PUBLIC = "https://taskhub.example.com/prefix";
    private static final String KEY = "link-key";

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withPublicBaseUrl(PUBLIC).withApiKeys(List.of(KEY));
    }

    @Test
    void aForgedHostHeader_changesNoLink() {
        RawHttp.Reply started = RawHttp.send(server.port(), "POST " + WEBHOOK + "/orchestrators/E1_HelloSequence"
                + "?taskHub=" + hub + "&code=" + KEY + " HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0",
                new byte[0]);

        assertThat(started.status()).isEqualTo(202);
        assertThat(started.header("Location")).startsWith(PUBLIC + WEBHOOK + "/instances/");
        JsonNode links = started.json();
        for (String link : List.of("statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri",
                "rewindPostUri", "restartPostUri", "suspendPostUri", "resumePostUri")) {
            assertThat(links.get(link).asText()).as(link).startsWith(PUBLIC + WEBHOOK + "/instances/")
                    .doesNotContain("evil.example");
        }

        String running = client().startNew(StartInstanceRequest.of("Approval", "{\"timeoutSeconds\":3600}"));
        awaitStatus(running, RuntimeStatus.Running);
        RawHttp.Reply status = RawHttp.send(server.port(), "GET " + WEBHOOK + "/instances/" + running + "?taskHub="
                + hub + " HTTP/1.1\r\nHost: evil.example\r\nx-functions-key: " + KEY, new byte[0]);
        assertThat(status.status()).isEqualTo(202);
        assertThat(status.header("Location")).isEqualTo(PUBLIC + WEBHOOK + "/instances/" + running + "?taskHub=" + hub);
    }
}
