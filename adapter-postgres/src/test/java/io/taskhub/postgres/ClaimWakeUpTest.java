package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.store.NameFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thread that claims an instance wakes another waiting thread only when its claim saw work for another instance
 * that nobody holds: in a burst of starts, waking one more thread after every successful claim made two empty
 * claims for each one that found work.
 */
class ClaimWakeUpTest {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void aClaim_saysWhetherAnotherInstanceNobodyHoldsHasVisibleWork() throws Exception {
        String hub = "more" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationWork orchestrations = new OrchestrationWork(new Tables(schema.name()), hub, null, false);
        try (Connection c = schema.connect()) {
            c.setAutoCommit(true);
            instanceWithMessage(c, hub, "first", "now()");
            instanceWithMessage(c, hub, "second", "now()");
            instanceWithMessage(c, hub, "later", "now() + interval '1 hour'"); // not visible yet
            instanceWithMessage(c, hub, "held", "now()");
            try (PreparedStatement ps = c.prepareStatement("UPDATE instances SET lock_owner = 'other',"
                    + " lock_token = 't', locked_until = now() + interval '1 hour' WHERE task_hub = ?"
                    + " AND instance_id = 'held'")) {
                ps.setString(1, hub);
                ps.executeUpdate();
            }

            OrchestrationWork.Claimed first = claim(orchestrations, c);
            assertThat(first.item()).hasValueSatisfying(item -> assertThat(item.instanceId()).isEqualTo("first"));
            assertThat(first.moreVisible()).as("'second' has visible work and nobody holds it").isTrue();

            OrchestrationWork.Claimed second = claim(orchestrations, c);
            assertThat(second.item()).hasValueSatisfying(item -> assertThat(item.instanceId()).isEqualTo("second"));
            assertThat(second.moreVisible()).as("what is left is held ('first', 'held') or not visible ('later')")
                    .isFalse();

            OrchestrationWork.Claimed none = claim(orchestrations, c);
            assertThat(none.item()).isEmpty();
            assertThat(none.moreVisible()).isFalse();
        }
    }

    @Test
    void theLookForMore_seesWorkOfNamesTheClaimerDoesNotRun() throws Exception {
        String hub = "names" + UUID.randomUUID().toString().substring(0, 8);
        OrchestrationWork orchestrations = new OrchestrationWork(new Tables(schema.name()), hub, null, false);
        try (Connection c = schema.connect()) {
            c.setAutoCommit(true);
            instanceWithMessage(c, hub, "mine", "now()");
            instanceWithMessage(c, hub, "another-workers", "now()", "OtherOrchestrator");

            OrchestrationWork.Claimed claimed = orchestrations.claim(c, "claimer", Duration.ofMinutes(1), 100,
                    NameFilter.only(java.util.List.of("Orchestrator1")), PgTime.truncate(Instant.now()));

            assertThat(claimed.item()).hasValueSatisfying(item -> assertThat(item.instanceId()).isEqualTo("mine"));
            assertThat(claimed.moreVisible()).as("the workers of a hub in one process share their wake-ups").isTrue();
        }
    }

    @Test
    void aThreadThatFoundWork_wakesAnotherWaiter_onlyWhenMoreWasVisible() throws Exception {
        HubSignals signals = new HubSignals();
        WorkWaits waits = new WorkWaits(signals, () -> true, Duration.ofMinutes(1), Instant::now,
                (kind, since) -> null);
        try (Waiter waiter = new Waiter(signals.orchestrations)) {
            waits.afterClaim(WorkWaits.Kind.ORCHESTRATIONS, true, false);
            assertThat(waiter.woken.await(500, TimeUnit.MILLISECONDS)).as("woken with nothing more to take").isFalse();

            waits.afterClaim(WorkWaits.Kind.ORCHESTRATIONS, false, true);
            assertThat(waiter.woken.await(500, TimeUnit.MILLISECONDS)).as("woken by a claim that found nothing")
                    .isFalse();

            waits.afterClaim(WorkWaits.Kind.ORCHESTRATIONS, true, true);
            assertThat(waiter.woken.await(10, TimeUnit.SECONDS)).as("woken for the work the claim saw").isTrue();
        }
    }

    /** A thread waiting on a signal, as an idle worker thread does between claims. */
    private static final class Waiter implements AutoCloseable {
        final CountDownLatch woken = new CountDownLatch(1);
        private final AtomicBoolean waiting = new AtomicBoolean();
        private final Thread thread;

        Waiter(WorkSignal signal) throws InterruptedException {
            long epoch = signal.epoch();
            thread = new Thread(() -> {
                try {
                    waiting.set(true);
                    if (signal.await(epoch, TimeUnit.MINUTES.toNanos(1))) {
                        woken.countDown();
                    }
                } catch (InterruptedException stopped) {
                    // the test is over
                }
            }, "claim-wake-up-waiter");
            thread.start();
            while (!waiting.get() || thread.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }

    private static OrchestrationWork.Claimed claim(OrchestrationWork orchestrations, Connection c) throws Exception {
        return orchestrations.claim(c, "claimer", Duration.ofMinutes(1), 100, NameFilter.ANY,
                PgTime.truncate(Instant.now()));
    }

    private static void instanceWithMessage(Connection c, String hub, String instanceId, String visibleAt)
            throws Exception {
        instanceWithMessage(c, hub, instanceId, visibleAt, "Orchestrator1");
    }

    private static void instanceWithMessage(Connection c, String hub, String instanceId, String visibleAt,
            String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances (task_hub, instance_id, execution_id,"
                + " name, runtime_status, created_at, last_updated_at, revision) VALUES (?, ?, 'e1', ?,"
                + " 'Running', now(), now(), 1)")) {
            ps.setString(1, hub);
            ps.setString(2, instanceId);
            ps.setString(3, name);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox (task_hub, instance_id, execution_id,"
                + " event, visible_at) VALUES (?, ?, 'e1', ?, " + visibleAt + ")")) {
            ps.setString(1, hub);
            ps.setString(2, instanceId);
            ps.setString(3, JsonCodec.writeEvent(new EventRaised(Instant.now(), "go", "1")));
            ps.executeUpdate();
        }
    }
}
