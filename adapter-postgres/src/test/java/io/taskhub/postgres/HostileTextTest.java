package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Texts with quotes, unicode and SQL fragments pass through every path of the store (rows, history, inbox,
 * tasks, queries, notifications, purge) byte for byte, and change nothing but what they were meant to. Adds
 * to the TCK's payload contract what a SQL backend in particular could get wrong: payload JSON kept as written
 * (not normalized), prefix filters with SQL and pattern metacharacters, and notification payloads.
 */
class HostileTextTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    private static PostgresSchema schema;
    private static OrchestrationStore bystanderHub;
    private static InstanceMetadata bystander;
    private static List<HistoryEvent> bystanderHistory;
    private static List<String> tablesBefore;

    @BeforeAll
    static void createSchemaWithABystander() throws Exception {
        schema = PostgresSchema.create();
        bystanderHub = schema.backend().taskHub("bystander");
        ExecutionStarted started = new ExecutionStarted(now(), "Bystander", null, "{\"keep\":\"me\"}", "b-exec", null,
                null, Map.of());
        bystanderHub.createInstance("x", started, Set.of());
        OrchestrationWorkItem item = bystanderHub.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        bystanderHub.completeOrchestrationWorkItem(item, new Checkpoint(item.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Running).build(), List.of(started), false, List.of(), List.of()));
        bystander = bystanderHub.getInstance("x").orElseThrow();
        bystanderHistory = bystanderHub.getHistory("x");
        tablesBefore = tables();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        assertThat(tables()).as("no table dropped or added").isEqualTo(tablesBefore);
        assertThat(bystanderHub.getInstance("x")).contains(bystander);
        assertThat(bystanderHub.getHistory("x")).isEqualTo(bystanderHistory);
        schema.close();
    }

    static List<String> hostileTexts() {
        return List.of(
                "x'; DROP TABLE instances; --",
                "' OR '1'='1",
                "Robert'); DELETE FROM inbox WHERE ('1'='1",
                "$1 $$ $tag$ :name ? ?? %s {0}",
                "back\\slash \\' \\\" \\\\",
                "%_ LIKE '%' ESCAPE '\\'",
                "ünïcödé 😀 𝄞 中文 עברית ‏RTL‏ e\u0301",
                "x\"y'z`w;--/* */");
    }

    /** JSON texts whose spelling matters: a store that parsed and re-wrote them would change their bytes. */
    private static String payloadFor(String text) {
        String escaped = text.replace("\\", "\\\\").replace("\"", "\\\"");
        return "{ \"text\" :\"" + escaped + "\",\"n\": 1.50E+2 , \"a\":[ -0.0,\"\\u00e9\" ,\"é\"] }\n";
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void hostileIdsNamesAndPayloads_roundTripExactly_throughEveryPath(String text) throws Exception {
        OrchestrationStore store = schema.backend().taskHub("hostile" + Math.abs(text.hashCode()));
        String id = "id " + text;
        String childId = "child " + text;
        String payload = payloadFor(text);
        Instant at = now();
        ExecutionStarted started = new ExecutionStarted(at, "Name " + text, "v " + text, payload, "exec " + text,
                new ParentInstance("parent " + text, "pexec " + text, "P " + text, 7), null, Map.of(text, text));
        store.createInstance(id, started, Set.of());
        long createdRevision = store.getInstance(id).orElseThrow().revision();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> awaitChange(store, id, createdRevision));

        OrchestrationWorkItem item = store.claimOrchestrationWorkItem("owner " + text, LEASE, 10).orElseThrow();
        assertThat(item.messages()).extracting(InstanceMessage::event).containsExactly(started);
        List<HistoryEvent> history = List.of(new OrchestratorStarted(at), started,
                new TaskScheduled(at, 0, "Activity " + text, payload), new OrchestratorCompleted(at));
        InstanceMetadata row = item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).customStatus(payload)
                .output(payload).failure(new FailureDetails("Type " + text, text, text, null)).lastUpdatedAt(at)
                .build();
        EventRaised toSelf = new EventRaised(at, "Event " + text, payload);
        ExecutionStarted child = new ExecutionStarted(at, "Child " + text, null, payload, "cexec", null, null, null);
        store.completeOrchestrationWorkItem(item, new Checkpoint(row, history, false,
                List.of(new ActivityTask(id, started.executionId(), 0, "Activity " + text, payload)),
                List.of(InstanceMessage.of(id, toSelf), new InstanceMessage(childId, "cexec", child, null))));
        waiter.get(60, TimeUnit.SECONDS); // the instance notification named this id and reached its waiter

        InstanceMetadata stored = store.getInstance(id).orElseThrow();
        assertThat(stored.toBuilder().revision(0).build()).isEqualTo(row.toBuilder().revision(0).build());
        assertThat(stored.input()).isEqualTo(payload);
        assertThat(store.getHistory(id)).isEqualTo(history);
        assertThat(store.getInstance(childId).orElseThrow().input()).isEqualTo(payload);

        ActivityWorkItem activity = store.claimActivityWorkItem("owner " + text, LEASE).orElseThrow();
        assertThat(activity.task().name()).isEqualTo("Activity " + text);
        assertThat(activity.task().input()).isEqualTo(payload);
        TaskCompleted result = new TaskCompleted(at, 0, payload);
        store.completeActivityWorkItem(activity, InstanceMessage.of(id, result));
        List<InstanceMessage> inbox = drain(store, id);
        assertThat(inbox).extracting(InstanceMessage::event).containsExactly(toSelf, result);

        assertThat(ids(store, q -> q.instanceIdPrefix(id))).containsExactly(id);
        assertThat(ids(store, q -> q.instanceIdPrefix("id " + text.substring(0, 1)))).contains(id);
        assertThat(ids(store, q -> q.parentInstanceId("parent " + text))).containsExactly(id);
        assertThat(ids(store, q -> q.name("Name " + text))).containsExactly(id);
        assertThat(ids(store, q -> q.customStatusPrefix(payload))).containsExactly(id);
        assertThat(ids(store, q -> q.customStatusPrefix(payload.substring(0, payload.length() - 2) + "X"))).isEmpty();

        assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Running))).isTrue();
        assertThat(store.getInstance(id)).isEmpty();
        assertThat(store.getInstance(childId)).as("only the purged instance went").isPresent();
        store.deleteTaskHub();
    }

    private static List<String> ids(OrchestrationStore store,
            java.util.function.UnaryOperator<InstanceQuery.Builder> query) {
        return store.queryInstances(query.apply(InstanceQuery.builder()).build()).instances().stream()
                .map(InstanceMetadata::instanceId).toList();
    }

    private static List<InstanceMessage> drain(OrchestrationStore store, String id) {
        List<InstanceMessage> all = new ArrayList<>();
        OrchestrationWorkItem item;
        while ((item = store.claimOrchestrationWorkItem("drain", LEASE, 100).orElse(null)) != null) {
            if (item.instanceId().equals(id)) {
                all.addAll(item.messages());
            }
            store.completeOrchestrationWorkItem(item, Checkpoint.consumeOnly());
        }
        return all;
    }

    private static void awaitChange(OrchestrationStore store, String id, long revision) {
        try {
            store.awaitInstanceChange(id, revision, Duration.ofMinutes(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> tables() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = schema.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = '" + schema.name() + "' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
