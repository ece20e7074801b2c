package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.rules.InstanceIds;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Whatever goes in comes out exactly: payloads, ids, names and every kind of history event. */
public abstract class PayloadContract extends StoreContractSupport {
    static final String UNICODE = "{\"text\":\"😀 emoji 𝄞 clef, 中文 日本語 한국어, עברית العربية ‏RTL‏, e\u0301 "
            + "\\u0000 escaped nul, tab\\t, \\\"quoted\\\", back\\\\slash\"}";
    static final String EMPTY_JSON_STRING = "\"\"";
    static final String JSON_NULL = "null";

    static String megabyteJson() {
        StringBuilder out = new StringBuilder("{\"items\":[");
        int i = 0;
        while (out.length() < 1_048_576) {
            out.append(i == 0 ? "" : ",").append("{\"n\":").append(i++).append(",\"s\":\"ünï-😀-中\"}");
        }
        return out.append("]}").toString();
    }

    static String deeplyNested(int depth) {
        return "[".repeat(depth) + "{\"deep\":true}" + "]".repeat(depth);
    }

    /** Stores {@code payload} as input, output, custom status, event and task payloads and checks each. */
    private void assertRoundTrips(String payload) {
        OrchestrationStore store = newTaskHub();
        String id = Fixtures.newInstanceId();
        ExecutionStarted started = started("Payload", payload);
        store.createInstance(id, started, Set.of());
        assertThat(store.getInstance(id).orElseThrow().input()).isEqualTo(payload);
        OrchestrationWorkItem item = claimFor(store, id);
        assertThat(item.messages().get(0).event()).isEqualTo(started);
        List<HistoryEvent> history = List.of(started, new EventRaised(Fixtures.now(), "e", payload));
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Completed).output(payload)
                        .customStatus(payload).build(), history, false,
                List.of(new ActivityTask(id, started.executionId(), 0, "A", payload)),
                List.of(new InstanceMessage(id, null, new EventRaised(Fixtures.now(), "back", payload), null))));

        InstanceMetadata stored = store.getInstance(id).orElseThrow();
        assertThat(stored.input()).isEqualTo(payload);
        assertThat(stored.output()).isEqualTo(payload);
        assertThat(stored.customStatus()).isEqualTo(payload);
        assertThat(store.queryInstances(InstanceQuery.all()).instances()).containsExactly(stored);
        assertThat(store.getHistory(id)).isEqualTo(history);
        ActivityWorkItem activity = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        assertThat(activity.task().input()).isEqualTo(payload);
        assertThat(((EventRaised) drain(store, id).get(0).event()).input()).isEqualTo(payload);
    }

    @Test
    void payload_ofOneMegabyte_roundTripsExactly() {
        assertRoundTrips(megabyteJson());
    }

    @Test
    void payload_withEmojiCjkRtlAndEscapes_roundTripsExactly() {
        assertRoundTrips(UNICODE);
    }

    @Test
    void payload_nestedDeeply_roundTripsExactly() {
        assertRoundTrips(deeplyNested(200));
    }

    @Test
    void payload_theJsonEmptyString_roundTripsAsTwoQuoteCharacters() {
        assertRoundTrips(EMPTY_JSON_STRING);
    }

    @Test
    void payload_theJsonLiteralNull_staysDistinctFromAbsent() {
        assertRoundTrips(JSON_NULL);
        assertRoundTrips(null);
    }

    @Test
    void instanceIds_withQuotesUnicodeAndSqlFragments_roundTrip() {
        OrchestrationStore store = newTaskHub();
        List<String> ids = List.of("x'; DROP TABLE instances;--", "double\"quote", "it's", "ünïcödé-ид-身份-🙂",
                "%_wild*cards[]", "spaces inside", "a:b|c;d,e=f&g+h", "' OR '1'='1", "\u05E2\u05D1\u05E8\u05D9\u05EA",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "$1 ${x} {{y}} <z>");
        ids.forEach(InstanceIds::validate); // all legal instance ids
        for (String id : ids) {
            ExecutionStarted started = new ExecutionStarted(Fixtures.now(), "Name '\"; --", "v\"1", "1",
                    Fixtures.newExecutionId(), new ParentInstance(id, "exec'", "P\"", 1), null,
                    Map.of("k'\"", "v;--😀"));
            store.createInstance(id, started, Set.of());
            InstanceMetadata m = store.getInstance(id).orElseThrow();
            assertThat(m.instanceId()).isEqualTo(id);
            assertThat(m.name()).isEqualTo("Name '\"; --");
            assertThat(m.version()).isEqualTo("v\"1");
            assertThat(m.parentInstanceId()).isEqualTo(id);
            assertThat(m.tags()).isEqualTo(Map.of("k'\"", "v;--😀"));
            assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(started);
        }

        assertThat(store.queryInstances(InstanceQuery.all()).instances()).extracting(InstanceMetadata::instanceId)
                .containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            assertThat(store.queryInstances(InstanceQuery.builder().instanceIdPrefix(id).build()).instances())
                    .as(id).extracting(InstanceMetadata::instanceId).containsExactly(id);
            assertThat(store.queryInstances(InstanceQuery.builder().parentInstanceId(id).build()).instances())
                    .as(id).extracting(InstanceMetadata::instanceId).containsExactly(id);
            assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Pending))).as(id).isTrue();
        }
        assertThat(store.queryInstances(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void historyEvents_ofEveryType_roundTripEqual() {
        OrchestrationStore store = newTaskHub();
        String id = Fixtures.newInstanceId();
        store.createInstance(id, started("Everything", null), Set.of());
        List<HistoryEvent> history = new ArrayList<>(Fixtures.everyEventType());
        history.addAll(Fixtures.eventsWithNulls());

        store.completeOrchestrationWorkItem(claimFor(store, id), Fixtures.historyOnly(history));

        assertThat(store.getHistory(id)).isEqualTo(history);
        assertThat(store.getHistory(id).stream().map(e -> e.getClass().getSimpleName()).distinct().count())
                .as("every event type is covered").isEqualTo(HistoryEvent.class.getPermittedSubclasses().length);
    }

    @Test
    void messages_ofEveryEventType_roundTripEqual() {
        OrchestrationStore store = newTaskHub();
        String id = Fixtures.newInstanceId();
        ExecutionStarted started = started("Everything", null);
        store.createInstance(id, started, Set.of());
        drain(store, id);
        List<InstanceMessage> messages = new ArrayList<>();
        Consumer<HistoryEvent> add = event -> messages.add(new InstanceMessage(id,
                messages.size() % 2 == 0 ? null : started.executionId(), event, null));
        Fixtures.everyEventType().stream().filter(e -> !(e instanceof ExecutionStarted)).forEach(add);
        Fixtures.eventsWithNulls().stream().filter(e -> !(e instanceof ExecutionStarted)).forEach(add);
        messages.add(new InstanceMessage(id, started.executionId(), started, null)); // a start for this execution

        store.sendMessages(messages);

        assertThat(drain(store, id)).containsExactlyElementsOf(messages);
    }
}
