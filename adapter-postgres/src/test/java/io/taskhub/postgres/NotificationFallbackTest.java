package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.tck.Blocking;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Wake-ups when notifications fail: work that arrives without a notification is still found by the fallback
 * poll, and after the listening connection is killed the backend listens again and notifications work.
 * Workers here wait far longer than the test's patience, so a test passes only if the store wakes them.
 */
class NotificationFallbackTest {
    private static final Duration FOREVER = Duration.ofMinutes(10);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void messageInsertedWithoutANotification_isFoundByTheFallbackPoll() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        String id = idleInstance(store);
        Blocking blocking = new Blocking();
        Future<OrchestrationWorkItem> worker = worker(store, blocking);
        blocking.untilWaiting(); // its first claim found nothing: only a poll or a notification can find the row

        insertSilently(store, id, "silent");

        assertThat(worker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).messages())
                .extracting(m -> ((EventRaised) m.event()).name()).containsExactly("silent");
    }

    @Test
    void afterTheListeningConnectionIsKilled_theBackendListensAgainAndNotificationsWakeWorkers() throws Exception {
        // A poll interval far beyond the test's patience: only a notification can wake the worker in time.
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(
                schema.config().withMaxPollInterval(Duration.ofMinutes(5)))) {
            OrchestrationStore store = newTaskHub(backend);
            String id = idleInstance(store);
            assertThat(backend.isListening()).isTrue();

            long connections = backend.listenerConnections();
            killListeners();
            // The loss can be short (a reconnection follows 100 ms later): a new connection shows it happened.
            Awaitility.await().atMost(PATIENCE).until(() -> backend.listenerConnections() > connections
                    && backend.isListening());
            Blocking blocking = new Blocking();
            Future<OrchestrationWorkItem> worker = worker(store, blocking);
            blocking.untilWaiting();
            store.sendMessages(List.of(InstanceMessage.of(id, new EventRaised(Instant.now(), "after", null))));

            assertThat(worker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).messages()).hasSize(1);
        }
    }

    private Future<OrchestrationWorkItem> worker(OrchestrationStore store, Blocking blocking) {
        return threads.submit(() -> {
            while (true) {
                Optional<OrchestrationWorkItem> item = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(1), 10);
                if (item.isPresent()) {
                    return item.get();
                }
                blocking.aboutToWait();
                store.awaitWork(FOREVER);
            }
        });
    }

    private static OrchestrationStore newTaskHub(PostgresStorageBackend backend) {
        return backend.taskHub("fb" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    private static String idleInstance(OrchestrationStore store) {
        String id = "idle-" + UUID.randomUUID();
        store.createInstance(id, new ExecutionStarted(Instant.now(), "Idle", null, null, "e1", null, null, Map.of()),
                Set.of());
        OrchestrationWorkItem start = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(1), 10).orElseThrow();
        store.completeOrchestrationWorkItem(start, Checkpoint.consumeOnly());
        return id;
    }

    /** An inbox row written behind the store's back: no pg_notify, as if the notification were lost. */
    private static void insertSilently(OrchestrationStore store, String id, String eventName) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO inbox (task_hub, instance_id, event, visible_at) VALUES (?, ?, ?, now())")) {
            ps.setString(1, store.taskHubName().toLowerCase(java.util.Locale.ROOT));
            ps.setString(2, id);
            ps.setString(3, JsonCodec.writeEvent(new EventRaised(Instant.now(), eventName, null)));
            ps.executeUpdate();
        }
    }

    private static void killListeners() throws Exception {
        try (Connection c = schema.server().connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'taskhub-listener-" + schema.name() + "'");
        }
    }
}
