package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.tck.Fixtures;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a backend sends through its relay when nobody else needs it: instance notifications only while another
 * process waits for instances (it announces it, and answers when asked), and the look for work that came while an
 * instance was held only when some work was heard of meanwhile. Several backends on one schema stand for several
 * processes; a connection of the test's own LISTENs, or announces, as another process would.
 */
class RemoteWaitersTest {
    private static final Duration QUIET = Duration.ofMillis(700);
    private static final Duration LEASE = Duration.ofMinutes(5);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void instanceNotifications_areSentOnlyWhileAnotherProcessWaits() throws Exception {
        try (Connection listening = listen(); PostgresStorageBackend backend = quietBackend()) {
            OrchestrationStore store = backend.taskHub(newHub());
            String unheard = "unheard-" + UUID.randomUUID();
            store.createInstance(unheard, Fixtures.started("Greeting", null), Set.of());
            assertThat(drain(listening)).as("the work is announced, the changed instance is not")
                    .anyMatch(n -> n.startsWith(Notices.WORK_CHANNEL + " "))
                    .noneMatch(n -> n.startsWith(Notices.INSTANCE_CHANNEL + " "));

            announceWaiting(listening);
            assertThat(drain(listening)).isNotEmpty(); // the announcement's own echo
            assertThat(backend.sendsInstanceNotifications()).isTrue();
            String heard = "heard-" + UUID.randomUUID();
            store.createInstance(heard, Fixtures.started("Greeting", null), Set.of());
            assertThat(drain(listening)).anyMatch(n -> n.startsWith(Notices.INSTANCE_CHANNEL + " ")
                    && n.endsWith("/" + heard));
        }
    }

    @Test
    void aBackendThatStartsListening_asksWhoWaits_andOneWithAWaiter_announcesItAndAnswers() throws Exception {
        String hub = newHub();
        OrchestrationStore here = schema.backend().taskHub(hub);
        String id = Fixtures.newInstanceId();
        here.createInstance(id, Fixtures.started("Greeting", null), Set.of());
        long revision = here.getInstance(id).orElseThrow().revision();
        String prefix = Notices.WORK_CHANNEL + " " + schema.name() + "/" + RemoteWaiters.ANY_HUB + "/";
        try (Connection listening = listen()) {
            drain(listening);
            try (PostgresStorageBackend starting = PostgresStorageBackend.start(schema.config())) {
                assertThat(starting.sendsInstanceNotifications()).as("until the waiters answered").isTrue();
                assertThat(drain(listening)).contains(prefix + RemoteWaiters.ASKING);

                OrchestrationStore there = starting.taskHub(hub);
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitChange(there, id, revision,
                        Duration.ofSeconds(20)));
                assertThat(drain(listening)).as("a backend that starts waiting says so").contains(prefix
                        + RemoteWaiters.WAITING);

                ask(listening);
                assertThat(drain(listening)).as("asked, a waiting backend answers at once")
                        .contains(prefix + RemoteWaiters.WAITING);

                OrchestrationWorkItem item = claim(here, id);
                long committed = System.nanoTime();
                here.completeOrchestrationWorkItem(item, running(item));
                waiting.get(20, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - committed)).as("the waiter heard the change")
                        .isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aWaiterInAnotherProcess_isWokenByTheCommit_notByItsPoll() throws Exception {
        String hub = newHub();
        for (boolean heardFirst : new boolean[] {true, false}) {
            try (PostgresStorageBackend committer = quietBackend();
                    PostgresStorageBackend slowPolling = PostgresStorageBackend.start(
                            polledEvery(Duration.ofSeconds(30)))) {
                OrchestrationStore committing = committer.taskHub(hub);
                OrchestrationStore waitingStore = slowPolling.taskHub(hub);
                String id = Fixtures.newInstanceId();
                committing.createInstance(id, Fixtures.started("Greeting", null), Set.of());
                OrchestrationWorkItem item = claim(committing, id);
                long revision = committing.getInstance(id).orElseThrow().revision();
                CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> awaitChange(waitingStore, id,
                        revision, Duration.ofSeconds(60)));
                if (heardFirst) { // the announcement is heard before the commit
                    until(committer::sendsInstanceNotifications, "the committer heard the waiter");
                } // else the commit may come before it is heard: the waiter's first look finds it

                long committed = System.nanoTime();
                committing.completeOrchestrationWorkItem(item, running(item));
                waiter.get(20, TimeUnit.SECONDS);

                assertThat(Duration.ofNanos(System.nanoTime() - committed))
                        .as(heardFirst ? "woken by the instance notification"
                                : "a commit before the announcement was heard, found by the waiter's first look")
                        .isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void stepsOfInstancesStartedHere_sendNothing_whileNobodyElseWaits() throws Exception {
        try (PostgresStorageBackend backend = quietBackend()) {
            OrchestrationStore store = backend.taskHub(newHub());
            long batchesBefore = backend.relay().batchesSent();
            for (int i = 0; i < 10; i++) {
                String id = Fixtures.newInstanceId();
                OrchestrationWorkItem item = store.createInstanceAndClaim(id, Fixtures.started("Greeting", null),
                        Set.of(), new InstanceClaim("here", LEASE, 100, NameFilter.ANY)).orElseThrow();
                store.completeOrchestrationWorkItem(item, running(item));
            }
            Thread.sleep(QUIET.toMillis());

            assertThat(backend.relay().batchesSent()).as("no changed instance announced, no look for work")
                    .isEqualTo(batchesBefore);
        }
    }

    @Test
    void aHolderLooksForWorkWhenItLetsGo_onlyIfWorkWasHeardOfWhileItHeld() throws Exception {
        try (PostgresStorageBackend backend = quietBackend()) {
            String hub = newHub();
            OrchestrationStore holder = backend.taskHub(hub);
            String id = Fixtures.newInstanceId();
            holder.createInstance(id, Fixtures.started("Greeting", null), Set.of());
            Thread.sleep(QUIET.toMillis()); // the creation's own notification is sent and heard

            long looksBefore = backend.relay().looksMade();
            holder.completeOrchestrationWorkItem(claim(holder, id), Checkpoint.consumeOnly());
            Thread.sleep(QUIET.toMillis());
            assertThat(backend.relay().looksMade()).as("nothing heard of while held").isEqualTo(looksBefore);

            try (PostgresStorageBackend other = PostgresStorageBackend.start(schema.config())) {
                holder.sendMessages(List.of(InstanceMessage.of(id, new EventRaised(Instant.now(), "first", null))));
                OrchestrationWorkItem held = claim(holder, id);
                long heardBefore = backend.orchestrationWorkSeen(hub);
                other.taskHub(hub).sendMessages(List.of(InstanceMessage.of(id,
                        new EventRaised(Instant.now(), "meanwhile", null))));
                // Its notification reaches the holder, which cannot take the work yet.
                until(() -> backend.orchestrationWorkSeen(hub) != heardBefore, "the holder heard of the work");
                long looksWhileHeld = backend.relay().looksMade();

                holder.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());

                until(() -> backend.relay().looksMade() > looksWhileHeld,
                        "work came from another process while held");
                assertThat(claim(holder, id).messages()).extracting(m -> ((EventRaised) m.event()).name())
                        .containsExactly("meanwhile");
            }
        }
    }

    @Test
    void aHolderWhoseClaimMayHaveLeftMessages_looksForThemWhenItLetsGo() throws Exception {
        try (PostgresStorageBackend backend = quietBackend()) {
            String hub = newHub();
            OrchestrationStore holder = backend.taskHub(hub);
            String id = Fixtures.newInstanceId();
            holder.createInstance(id, Fixtures.started("Greeting", null), Set.of());
            holder.sendMessages(List.of(InstanceMessage.of(id, new EventRaised(Instant.now(), "left", null))));
            OrchestrationWorkItem first = holder.claimOrchestrationWorkItem("here", LEASE, 1, NameFilter.ANY)
                    .orElseThrow();
            Thread.sleep(QUIET.toMillis()); // what the creation and the message sent has gone out
            long looksBefore = backend.relay().looksMade();

            holder.completeOrchestrationWorkItem(first, Checkpoint.consumeOnly());

            until(() -> backend.relay().looksMade() > looksBefore, "the claim took one message of two");
        }
    }

    /** The step that moves a claimed instance to Running (it changes the instance). */
    private static Checkpoint running(OrchestrationWorkItem item) {
        return new Checkpoint(item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(),
                false, List.of(), List.of());
    }

    private static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static String newHub() {
        return "waiters" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A backend of its own, once the time it sends everything after it started listening (asking who waits) is
     * over: the waiters of other tests are gone, so nobody answers.
     */
    private static PostgresStorageBackend quietBackend() throws InterruptedException {
        PostgresStorageBackend backend = PostgresStorageBackend.start(schema.config());
        long deadline = System.nanoTime() + RemoteWaiters.ASKED_FOR.multipliedBy(5).toNanos();
        while (backend.sendsInstanceNotifications() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(backend.sendsInstanceNotifications()).as("nobody else waits").isFalse();
        return backend;
    }

    private static OrchestrationWorkItem claim(OrchestrationStore store, String id) {
        return store.claimOrchestrationWorkItem("here", LEASE, 100, NameFilter.ANY)
                .filter(item -> item.instanceId().equals(id)).orElseThrow();
    }

    private static void awaitChange(OrchestrationStore store, String id, long revision, Duration maxWait) {
        try {
            store.awaitInstanceChange(id, revision, maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PostgresConfig polledEvery(Duration maxPoll) {
        PostgresConfig c = schema.config();
        return new PostgresConfig(c.jdbcUrl(), c.user(), c.password(), c.schema(), c.poolSize(), maxPoll,
                c.synchronousCommit());
    }

    private static void announceWaiting(Connection c) throws Exception {
        notify(c, RemoteWaiters.WAITING);
    }

    private static void ask(Connection c) throws Exception {
        notify(c, RemoteWaiters.ASKING);
    }

    private static void notify(Connection c, String what) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_notify('" + Notices.WORK_CHANNEL + "', '" + schema.name() + "/"
                    + RemoteWaiters.ANY_HUB + "/" + what + "')");
        }
    }

    private static Connection listen() throws Exception {
        return TestListener.listen(schema);
    }

    private static List<String> drain(Connection c) throws Exception {
        return TestListener.drain(c, schema, QUIET);
    }
}
