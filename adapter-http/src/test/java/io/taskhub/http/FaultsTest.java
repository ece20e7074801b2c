package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.errors.StorageException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Server-side faults: storage outages are 503 with Retry-After, anything else 500, never a stack trace. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsTest {
    private final Http http = new Http();
    private TaskhubHttpServer server;

    /** A client whose every operation fails: storage for "outage" task hubs, a bug for the others. */
    private static TaskhubClient failing(String taskHub) {
        return (TaskhubClient) Proxy.newProxyInstance(FaultsTest.class.getClassLoader(),
                new Class<?>[] {TaskhubClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("taskHub")) {
                        return taskHub;
                    }
                    if (taskHub.startsWith("slowstart")) {
                        throw new StartTimeoutException("order-7", java.time.Duration.ofSeconds(30));
                    }
                    if (taskHub.startsWith("outage")) {
                        throw new StorageException("connection to db.internal:5432 refused");
                    }
                    throw new NullPointerException("a bug at a secret place");
                });
    }

    @BeforeAll
    void start() {
        TaskhubClients clients = new TaskhubClients() {
            @Override
            public String defaultTaskHub() {
                return "outagehub";
            }

            @Override
            public TaskhubClient forTaskHub(String taskHub) {
                return failing(taskHub == null ? defaultTaskHub() : taskHub);
            }
        };
        server = new TaskhubHttpServer(HttpConfig.defaults().withPort(0), clients).start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void storageOutage_is503WithRetryAfter_andNoInternals() {
        Http.Reply ready = http.get(server.localBaseUrl() + "/taskhub/v1/ready");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.header("Retry-After")).isEqualTo("5");
        assertThat(ready.json().get("Message").asText()).contains("storage");
        assertThat(ready.body()).doesNotContain("db.internal");
        assertThat(http.get(server.localBaseUrl() + "/taskhub/v1/health").status()).isEqualTo(200);
    }

    @Test
    void aStartNotAcknowledgedInTime_is503WithRetryAfter_sayingARetryIsSafe() {
        Http.Reply reply = http.post(server.localBaseUrl() + ManagementUrls.WEBHOOK_PREFIX
                + "/orchestrators/E1_HelloSequence/order-7?taskHub=slowstarthub");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("Retry-After")).isEqualTo("5");
        assertThat(reply.json().get("Message").asText()).contains("order-7").contains("not acknowledged")
                .contains("same instance id is safe");
    }

    @Test
    void unexpectedFault_is500WithAGenericMessage_andNoStackTrace() {
        Http.Reply reply = http.get(server.localBaseUrl() + ManagementUrls.WEBHOOK_PREFIX
                + "/instances/x?taskHub=buggyhub");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.fieldNames()).containsExactly("Message");
        assertThat(reply.body()).doesNotContain("secret").doesNotContain("NullPointer").doesNotContain("\tat ");
    }
}
