package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.delayedEvent;
import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Inbox order, delayed visibility and which instance a claim picks. */
public abstract class InboxContract extends StoreContractSupport {

    @Test
    void claim_deliversMessagesInArrivalOrder() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        store.sendMessages(List.of(event(id, "a"), event(id, "b")));
        store.sendMessages(List.of(event(id, "c")));
        for (int i = 0; i < 20; i++) {
            store.sendMessages(List.of(event(id, "n" + i)));
        }

        List<InstanceMessage> messages = claimFor(store, id).messages();

        assertThat(messages).extracting(Fixtures::label).startsWith("ExecutionStarted", "a", "b", "c", "n0", "n1")
                .endsWith("n18", "n19").hasSize(24);
    }

    @Test
    void claim_deliversAtMostMaxMessages_andTheRestInTheNextStep() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        store.sendMessages(List.of(event(id, "a"), event(id, "b"), event(id, "c"), event(id, "d")));

        OrchestrationWorkItem first = store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 3).orElseThrow();
        store.completeOrchestrationWorkItem(first, Checkpoint.consumeOnly());
        OrchestrationWorkItem second = store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 3).orElseThrow();

        assertThat(first.messages()).extracting(Fixtures::label).containsExactly("ExecutionStarted", "a", "b");
        assertThat(second.messages()).extracting(Fixtures::label).containsExactly("c", "d");
    }

    @Test
    void claim_picksTheInstanceWhoseOldestVisibleMessageIsOldest() {
        OrchestrationStore store = newTaskHub();
        String first = newInstanceId();
        String second = newInstanceId();
        store.createInstance(first, started("Orders", null), Set.of());
        store.createInstance(second, started("Orders", null), Set.of());
        drain(store, first);
        drain(store, second);
        store.sendMessages(List.of(event(second, "s1")));
        store.sendMessages(List.of(event(first, "f1")));
        store.sendMessages(List.of(event(second, "s2")));

        OrchestrationWorkItem a = claim(store);
        OrchestrationWorkItem b = claim(store);

        assertThat(a.instanceId()).isEqualTo(second);
        assertThat(a.messages()).extracting(Fixtures::label).containsExactly("s1", "s2");
        assertThat(b.instanceId()).isEqualTo(first);
    }

    @Test
    void claim_ignoresAnOlderMessageThatIsNotVisibleYet() {
        OrchestrationStore store = newTaskHub();
        String delayed = newInstanceId();
        String ready = newInstanceId();
        store.createInstance(delayed, started("Orders", null), Set.of());
        store.createInstance(ready, started("Orders", null), Set.of());
        drain(store, delayed);
        drain(store, ready);
        store.sendMessages(List.of(delayedEvent(delayed, "timer", Fixtures.now().plus(Duration.ofHours(1)))));
        store.sendMessages(List.of(event(ready, "now"), event(delayed, "visible")));

        OrchestrationWorkItem item = claimFor(store, ready);

        assertThat(item.messages()).extracting(Fixtures::label).containsExactly("now");
        assertThat(claimFor(store, delayed).messages()).extracting(Fixtures::label)
                .as("visible messages only").containsExactly("visible");
    }

    @Test
    void delayedMessage_isNotDeliveredBeforeItsVisibleTime() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        drain(store, id);

        store.sendMessages(List.of(delayedEvent(id, "timer", store.now().plus(Duration.ofHours(1)))));

        assertNoOrchestrationWork(store);
    }

    @Test
    void delayedMessage_isDeliveredOnceItsVisibleTimeHasCome() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        drain(store, id);
        Instant visibleAt = store.now().plusMillis(800);

        store.sendMessages(List.of(delayedEvent(id, "timer", visibleAt)));

        OrchestrationWorkItem item = claimWhenVisible(store, visibleAt);
        assertThat(item.messages()).extracting(Fixtures::label).containsExactly("timer");
        assertThat(item.messages().get(0).visibleAt()).isEqualTo(visibleAt);
    }

    @Test
    void scheduledStart_isNotDeliveredBeforeTheScheduledTime() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        Instant startAt = store.now().plus(Duration.ofHours(1));

        store.createInstance(id, Fixtures.startedAt("Later", startAt), Set.of());

        assertThat(store.getInstance(id).orElseThrow().scheduledStartAt()).isEqualTo(startAt);
        assertNoOrchestrationWork(store);
    }

    @Test
    void scheduledStart_isDeliveredOnceTheScheduledTimeHasCome() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        Instant startAt = store.now().plusMillis(800);

        store.createInstance(id, Fixtures.startedAt("Later", startAt), Set.of());

        OrchestrationWorkItem item = claimWhenVisible(store, startAt);
        assertThat(item.instanceId()).isEqualTo(id);
        assertThat(item.messages()).extracting(Fixtures::label).containsExactly("ExecutionStarted");
    }

    /**
     * Claims until something comes, checking each claim against the store's clock: whatever a claim returns,
     * that claim must have ended at or after {@code visibleAt}. A slow machine can delay the claim but never
     * make an early delivery look correct.
     */
    static OrchestrationWorkItem claimWhenVisible(OrchestrationStore store, Instant visibleAt) {
        return eventually().until(() -> {
            Optional<OrchestrationWorkItem> item = tryClaim(store);
            Instant claimEnded = store.now();
            if (item.isPresent() && claimEnded.isBefore(visibleAt)) {
                throw new AssertionError("a message visible at " + visibleAt + " was delivered by a claim that "
                        + "ended at " + claimEnded);
            }
            return item;
        }, Optional::isPresent).orElseThrow();
    }
}
