package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A client's fault on the wire (a malformed body, a body that stops arriving, a client that hangs up) is logged
 * as one WARN line without a stack trace, never as an ERROR: it says nothing about the server's health.
 */
class ClientFaultLoggingTest extends HttpApiTestBase {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger root;

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withIdleTimeout(Duration.ofSeconds(1));
    }

    @BeforeEach
    void captureLogs() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logged);
    }

    private String eventHead(String id, String... headers) {
        return "POST " + WEBHOOK + "/instances/" + id + "/raiseEvent/Note?taskHub=" + hub + " HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\n" + String.join("\r\n", headers);
    }

    @Test
    void malformedChunk_isOneWarnLine() {
        String id = running();
        RawHttp.Reply reply = RawHttp.send(server.port(), eventHead(id, "Transfer-Encoding: chunked"),
                "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(reply.status()).isEqualTo(400);
        assertOneWarning(id, "could not be read");
    }

    @Test
    void bodyThatStopsArriving_is408_andOneWarnLine() {
        String id = running();
        RawHttp.Reply reply = RawHttp.send(server.port(), eventHead(id, "Content-Length: 100"),
                "{}".getBytes(StandardCharsets.US_ASCII));

        assertThat(reply.status()).isEqualTo(408);
        assertOneWarning(id, "did not arrive in time");
    }

    @Test
    void clientThatHangsUpMidBody_isOneWarnLine() {
        String id = running();
        RawHttp.sendAndHangUp(server.port(), eventHead(id, "Content-Length: 100"),
                "{\"partial".getBytes(StandardCharsets.US_ASCII));

        assertOneWarning(id, "could not be read");
    }

    @Test
    void clientThatLeavesDuringAWait_leavesNoErrorAndNoStack() {
        String id = running();
        int before = logged.list.size();
        for (int i = 0; i < 3; i++) {
            // the server answers (when the wait times out) a client that has gone
            RawHttp.sendAndHangUp(server.port(), "GET /taskhub/v1/instances/" + id + "/wait?timeout=1&taskHub=" + hub
                    + " HTTP/1.1\r\nHost: x", new byte[0]);
        }
        // A wait that begins after those ended: the server's threads have answered the three by then.
        RawHttp.Reply later = RawHttp.send(server.port(), "GET /taskhub/v1/instances/" + id + "/wait?timeout=3&taskHub="
                + hub + " HTTP/1.1\r\nHost: x\r\nConnection: close", new byte[0]);
        assertThat(later.status()).as("a wait that timed out answers the status").isEqualTo(200);

        List<ILoggingEvent> since = List.copyOf(logged.list).subList(before, logged.list.size());
        assertThat(since).as("anything logged for the clients that left").allSatisfy(e -> {
            assertThat(e.getLevel()).isNotEqualTo(Level.ERROR);
            assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull();
        });
    }

    /** What was logged about requests for this instance (each test has its own). */
    private List<ILoggingEvent> about(String instanceId) {
        return List.copyOf(logged.list).stream().filter(e -> e.getFormattedMessage().contains(instanceId)).toList();
    }

    private void assertOneWarning(String instanceId, String text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !about(instanceId).isEmpty());
        List<ILoggingEvent> warnings = about(instanceId);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(warnings.get(0).getFormattedMessage()).contains(text).contains("/raiseEvent/Note");
        assertThat(warnings.get(0).getThrowableProxy()).isNull();
        assertThat(List.copyOf(logged.list)).noneMatch(e -> e.getLevel() == Level.ERROR);
    }
}
