package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input corpus ({@link BadInputCorpus}) against a real server on one backend: each request gets the
 * answer the corpus names, as JSON, never a 5xx; afterwards the task hub holds exactly what it held before.
 * Backends extend this with their {@link #newBackend()}; the answers are the same on every one.
 */
abstract class BadInputContract extends HttpApiTestBase {

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withIdleTimeout(BadInputCorpus.IDLE_TIMEOUT);
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequest_isRefusedWithItsAnswer_andChangesNothingStored() {
        String running = running();
        List<InstanceMetadata> before = everyInstance();
        List<?> historyBefore = history(running);

        List<DynamicTest> tests = new ArrayList<>();
        for (BadInputCorpus.Case c : BadInputCorpus.cases()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                RawHttp.Reply reply = RawHttp.send(server.port(), head(c, running), c.body() == null ? new byte[0]
                        : c.body());
                assertThat(reply.status()).as("%s answered %s", c.name(), reply.body()).isEqualTo(c.status());
                if (!reply.body().isEmpty()) {
                    assertThat(reply.header("Content-Type")).startsWith("application/json");
                    assertThat(reply.json().isObject() || reply.json().isTextual()).isTrue();
                    assertThat(reply.body()).doesNotContain("\tat ").doesNotContain("Exception:");
                }
                if (c.mentions() != null) {
                    assertThat(reply.body()).as(c.name()).contains(c.mentions());
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("nothing stored changed", () -> {
            assertThat(everyInstance()).containsExactlyInAnyOrderElementsOf(before);
            assertThat(history(running)).isEqualTo(historyBefore);
            assertThat(metadata(running).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        }));
        return tests.stream();
    }

    private String head(BadInputCorpus.Case c, String running) {
        String path = c.path().replace("{running}", running).replace("{missing}", "no-such-instance");
        // Taskhub's own routes and the /api convenience routes as they are; the rest under the webhook prefix.
        path = path.startsWith(ManagementRoutes.TASKHUB_PREFIX) || path.startsWith("/api/") ? path : WEBHOOK + path;
        path += (path.contains("?") ? "&" : "?") + "taskHub=" + hub;
        StringBuilder head = new StringBuilder(c.method() + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1");
        for (String header : c.headers()) {
            head.append("\r\n").append(header);
        }
        boolean chunked = c.headers().stream().anyMatch(h -> h.startsWith("Transfer-Encoding"));
        if (!chunked && c.body() != null) {
            head.append("\r\nContent-Length: ").append(c.length() >= 0 ? c.length() : c.body().length);
        }
        return head.toString();
    }

    private List<InstanceMetadata> everyInstance() {
        return client().list(InstanceQuery.builder().pageSize(InstanceQuery.MAX_PAGE_SIZE).build()).instances();
    }

    private List<?> history(String instanceId) {
        return client().getStatus(instanceId, StatusOptions.WITH_HISTORY).map(InstanceStatus::history).orElseThrow();
    }
}
