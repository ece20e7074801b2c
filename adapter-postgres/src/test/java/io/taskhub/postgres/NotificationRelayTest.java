package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * The relay that sends notifications after the commits that gathered them: what it sends, each distinct
 * notification of a batch once, the conditional one only while the instance has visible messages, and nothing
 * for work that was rolled back; what it sent reaches this process at once, and the listener drops its echo. A connection of the test's own LISTENs, as another process would.
 */
class NotificationRelayTest {
    private static final Duration QUIET = Duration.ofMillis(700);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void aBatch_sendsEachDistinctNotificationOnce_andTheConditionalOneOnlyForVisibleWork() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        store.createInstance("waiting", started("waiting"), Set.of());
        List<String> deliveredHere = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Connection listening = listen(); Database db = Database.open(schema.config());
                NotificationRelay relay = relayTelling(db, deliveredHere)) {
            drain(listening);
            Notices first = new Notices(schema.name(), hub);
            first.orchestrationWorkAt(Instant.now(), Instant.now());
            first.instanceChanged("a");
            Notices second = new Notices(schema.name(), hub);
            second.orchestrationWorkAt(Instant.now(), Instant.now()); // the same again: sent once
            second.activityWork();
            Notices visible = new Notices(schema.name(), hub);
            visible.orchestrationWorkIfVisible("waiting"); // its start is visible
            Notices invisible = new Notices(schema.name(), hub);
            invisible.instanceChanged("b");
            invisible.orchestrationWorkIfVisible("no-such-instance");

            relay.send(List.of(first.take(), second.take(), invisible.take()));
            List<String> sent = List.of(
                    "taskhub_work " + schema.name() + "/" + hub + "/o",
                    "taskhub_work " + schema.name() + "/" + hub + "/a",
                    "taskhub_instance " + schema.name() + "/" + hub + "/a",
                    "taskhub_instance " + schema.name() + "/" + hub + "/b");
            assertThat(drain(listening)).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(deliveredHere).as("plain ones reach this process when published, not when sent").isEmpty();

            relay.send(List.of(visible.take()));
            assertThat(drain(listening)).containsExactly("taskhub_work " + schema.name() + "/" + hub + "/o");
            assertThat(deliveredHere).as("a conditional one, once checked and sent")
                    .containsExactly("taskhub_work " + schema.name() + "/" + hub + "/o");
        }
    }

    @Test
    void aConditionalNotification_reachesThisProcess_evenWithAPlainOneOfTheSamePayloadInItsBatch() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        store.createInstance("waiting", started("waiting"), Set.of());
        List<String> deliveredHere = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Connection listening = listen(); Database db = Database.open(schema.config());
                NotificationRelay relay = relayTelling(db, deliveredHere)) {
            drain(listening);
            // The plain one was heard here when it was published, maybe before the work the other one looks for.
            Notices plain = new Notices(schema.name(), hub);
            plain.orchestrationWorkAt(Instant.now(), Instant.now());
            Notices look = new Notices(schema.name(), hub);
            look.orchestrationWorkIfVisible("waiting");

            relay.send(List.of(plain.take(), look.take()));

            String work = "taskhub_work " + schema.name() + "/" + hub + "/o";
            assertThat(drain(listening)).as("other processes hear it once").containsExactly(work);
            assertThat(deliveredHere).as("the look found work: this process hears of it after the send")
                    .containsExactly(work);
        }
    }

    @Test
    void publishing_tellsThisProcessThePlainNotificationsAtOnce_andTheConditionalOneOnceSent() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        List<String> deliveredHere = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Database db = Database.open(schema.config());
                NotificationRelay relay = relayTelling(db, deliveredHere)) {
            Notices notices = new Notices(schema.name(), hub);
            notices.instanceChanged("done");
            notices.orchestrationWorkIfVisible("no-such-instance");

            relay.publish(notices.take());

            assertThat(deliveredHere).as("on the publishing thread, before any sending")
                    .containsExactly("taskhub_instance " + schema.name() + "/" + hub + "/done");
            Thread.sleep(QUIET.toMillis());
            assertThat(deliveredHere).as("nothing visible for the conditional one")
                    .containsExactly("taskhub_instance " + schema.name() + "/" + hub + "/done");
        }
    }

    @Test
    void theStore_notifiesAfterItsCommit_andNotForWorkRolledBack() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        try (Connection listening = listen()) {
            announceWaiting(listening); // instance notifications go out while another process waits
            drain(listening);
            store.createInstance("once", started("once"), Set.of());
            assertThat(drain(listening)).contains("taskhub_instance " + schema.name() + "/" + hub + "/once",
                    "taskhub_work " + schema.name() + "/" + hub + "/o");

            // The same id again goes the long way, under the start rules, which refuse it: rolled back, unheard.
            assertThatThrownBy(() -> store.createInstance("once", started("once"), Set.of()))
                    .isInstanceOf(InstanceAlreadyExistsException.class);
            assertThat(drain(listening)).isEmpty();
        }
    }

    @Test
    void workForAnInstanceThisProcessHolds_wakesNobody_untilTheHolderLetsItGo() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        store.createInstance("held", started("held"), Set.of());
        OrchestrationWorkItem held = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(5), 100)
                .orElseThrow();
        String work = "taskhub_work " + schema.name() + "/" + hub + "/o";
        try (Connection listening = listen()) {
            drain(listening);
            store.sendMessages(List.of(InstanceMessage.of("held", new EventRaised(Instant.now(), "ping", null))));
            assertThat(drain(listening)).as("the holder will find it when it lets go").doesNotContain(work);

            store.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());
            assertThat(drain(listening)).as("let go with the event waiting").contains(work);

            store.createInstance("free", started("free"), Set.of());
            assertThat(drain(listening)).as("work for an instance nobody holds here").contains(work);
        }
    }

    @Test
    void theLookForWorkALetGoAsksFor_seesWhatIsVisibleWhenItIsSent() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        store.createInstance("later", started("later"), Set.of());
        store.completeOrchestrationWorkItem(store.claimOrchestrationWorkItem("w", Duration.ofMinutes(5), 100)
                .orElseThrow(), Checkpoint.consumeOnly());
        Instant visibleAt = store.now().plusMillis(300);
        store.sendMessages(List.of(new InstanceMessage("later", null, new EventRaised(Instant.now(), "soon", null),
                visibleAt)));
        Notices look = new Notices(schema.name(), hub);
        look.orchestrationWorkIfVisible("later"); // asked for before the message is visible
        Notices.Pending asked = look.take();
        try (Connection listening = listen(); Database db = Database.open(schema.config());
                NotificationRelay relay = relayTelling(db, new ArrayList<>())) {
            drain(listening);
            while (!store.now().isAfter(visibleAt)) {
                Thread.sleep(20);
            }

            relay.send(List.of(asked));

            assertThat(drain(listening)).containsExactly("taskhub_work " + schema.name() + "/" + hub + "/o");
        }
    }

    @Test
    void aStartThatReplacesAnInstanceHeldHere_isAnnouncedToEveryone() throws Exception {
        String hub = "relay" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationStore store = schema.backend().taskHub(hub);
        store.createInstance("replaced", started("replaced"), Set.of());
        store.claimOrchestrationWorkItem("w", Duration.ofMinutes(5), 100).orElseThrow(); // held here, Pending
        try (Connection listening = listen()) {
            drain(listening);

            store.createInstance("replaced", started("replaced"), Set.of(RuntimeStatus.Pending));

            assertThat(drain(listening)).as("the holder's lease is gone, and with it its look for work")
                    .contains("taskhub_work " + schema.name() + "/" + hub + "/o");
        }
    }

    @Test
    void theListener_dropsTheEchoOfWhatThisProcessSent_butHearsEveryoneElse() throws Exception {
        String hub = "echo" + UUID.randomUUID().toString().substring(0, 8);
        HubSignals signals = new HubSignals();
        OwnSenders senders = new OwnSenders();
        NotificationListener listener = new NotificationListener(schema.config(),
                key -> key.equals(hub) ? signals : null, () -> { }, senders, new RemoteWaiters(schema.name()));
        listener.start();
        try (Connection ours = schema.connect(); Connection theirs = schema.connect()) {
            ours.setAutoCommit(true);
            theirs.setAutoCommit(true);
            senders.sendingThrough(ours.unwrap(PGConnection.class).getBackendPID());
            long before = signals.activities.epoch();

            notify(ours, hub);
            Thread.sleep(QUIET.toMillis());
            assertThat(signals.activities.epoch()).as("the echo of our own notification").isEqualTo(before);

            notify(theirs, hub);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (signals.activities.epoch() == before && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(signals.activities.epoch()).as("another process's notification").isEqualTo(before + 1);
        } finally {
            listener.close();
        }
    }

    /**
     * A relay that tells {@code deliveredHere} ("channel payload") what it delivers to this process; it hears no
     * announcements, so it sends instance notifications too.
     */
    private static NotificationRelay relayTelling(Database db, List<String> deliveredHere) {
        return new NotificationRelay(db, () -> { }, (channel, payload) -> deliveredHere.add(channel + " " + payload),
                new OwnSenders(), new RemoteWaiters(schema.name()));
    }

    private static void notify(Connection c, String hub) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_notify('" + Notices.WORK_CHANNEL + "', '" + schema.name() + "/" + hub + "/a')");
        }
    }

    private static ExecutionStarted started(String instanceId) {
        return new ExecutionStarted(Instant.now(), "Greeting", null, "\"in\"", "e-" + instanceId, null, null,
                Map.of());
    }

    /** Tells the schema's processes that {@code c}'s process waits for instances, as a waiting backend does. */
    static void announceWaiting(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_notify('" + Notices.WORK_CHANNEL + "', '" + schema.name() + "/"
                    + RemoteWaiters.ANY_HUB + "/" + RemoteWaiters.WAITING + "')");
        }
    }

    private static Connection listen() throws Exception {
        return TestListener.listen(schema);
    }

    private static List<String> drain(Connection c) throws Exception {
        return TestListener.drain(c, schema, QUIET);
    }
}
