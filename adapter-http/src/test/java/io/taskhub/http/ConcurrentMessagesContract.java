package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many messages sent to one instance at once, terminations among them: every request the server accepted
 * (202) is either recorded in the history or counted as dropped by the rule for finished executions, and no
 * event is recorded after the termination (docs/http-api.md, "Messages to a finished instance").
 */
abstract class ConcurrentMessagesContract extends HttpApiTestBase {
    private static final int EVENTS = 100;
    private static final int TERMINATES = 10;

    @Test
    void everyAcceptedMessage_isRecordedOrCountedAsDropped_andNothingFollowsTheTermination() throws Exception {
        String id = running();
        List<Future<Integer>> answers = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < EVENTS + TERMINATES; i++) {
                int n = i;
                answers.add(senders.submit(() -> n % 11 == 10
                        ? http.post(api("/instances/" + id + "/terminate?reason=t" + n)).status()
                        : http.postJson(api("/instances/" + id + "/raiseEvent/Note"), String.valueOf(n)).status()));
            }
            int accepted = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                assertThat(status).as("each request is accepted, or refused because the instance has finished")
                        .isIn(202, 410);
                accepted += status == 202 ? 1 : 0;
            }
            awaitStatus(id, RuntimeStatus.Terminated);
            int acceptedMessages = accepted;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<HistoryEvent> history = client().getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow()
                        .history();
                long recorded = history.stream().filter(e -> e instanceof EventRaised
                        || e instanceof ExecutionTerminated).count();
                assertThat(recorded + dropped()).isEqualTo(acceptedMessages);
            });
            List<HistoryEvent> history = client().getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow().history();
            List<HistoryEvent> terminations = history.stream().filter(ExecutionTerminated.class::isInstance).toList();
            assertThat(terminations).hasSize(1);
            assertThat(history.subList(history.indexOf(terminations.get(0)), history.size()))
                    .noneMatch(EventRaised.class::isInstance);
        } finally {
            senders.shutdownNow();
        }
    }

    private long dropped() {
        return workers.stream().mapToLong(w -> w.droppedMessages().count()).sum();
    }
}
