package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Workers announce what they run; announcements are renewed, withdrawn, and lapse when not renewed. */
public abstract class WorkerRegistryContract extends StoreContractSupport {

    @Test
    void aRegisteredWorker_isLiveWithItsNames_untilItUnregisters() {
        OrchestrationStore store = newTaskHub();
        Instant until = store.now().plus(Duration.ofMinutes(5));
        store.registerWorker(new WorkerRegistration("host-1/worker a#1?", Set.of("Order", "Refund"),
                Set.of("Charge"), until));

        assertThat(store.liveWorkers()).singleElement().satisfies(w -> {
            assertThat(w.workerId()).isEqualTo("host-1/worker a#1?");
            assertThat(w.orchestrators()).containsExactlyInAnyOrder("Order", "Refund");
            assertThat(w.activities()).containsExactly("Charge");
            assertThat(w.expiresAt()).isBetween(until.minusMillis(1), until.plusMillis(1));
            assertThat(w.runsOrchestrator("order")).as("names match case-insensitively").isTrue();
            assertThat(w.runsActivity("Ship")).isFalse();
        });

        store.unregisterWorker("host-1/worker a#1?");
        assertThat(store.liveWorkers()).isEmpty();
        store.unregisterWorker("never-registered"); // nothing to withdraw: no error
    }

    @Test
    void registeringAgain_replacesTheNamesAndRenewsTheExpiry() {
        OrchestrationStore store = newTaskHub();
        store.registerWorker(new WorkerRegistration("w", Set.of("Old"), Set.of(), store.now().plusSeconds(60)));
        Instant later = store.now().plus(Duration.ofMinutes(10));
        store.registerWorker(new WorkerRegistration("w", Set.of("New"), Set.of("Task"), later));

        assertThat(store.liveWorkers()).singleElement().satisfies(w -> {
            assertThat(w.orchestrators()).containsExactly("New");
            assertThat(w.activities()).containsExactly("Task");
            assertThat(w.expiresAt()).isAfter(store.now().plusSeconds(300));
        });
    }

    @Test
    void anAnnouncementThatWasNotRenewed_lapses_andOthersStay() {
        OrchestrationStore store = newTaskHub();
        store.registerWorker(new WorkerRegistration("crashed", Set.of("A"), Set.of(), store.now().plusMillis(300)));
        store.registerWorker(new WorkerRegistration("alive", Set.of("B"), Set.of(), store.now().plusSeconds(600)));
        waitUntilPast(store, store.now().plusMillis(400));

        assertThat(store.liveWorkers()).extracting(WorkerRegistration::workerId).containsExactly("alive");
        // the next registration also clears the lapsed one away; the live one stays
        store.registerWorker(new WorkerRegistration("third", Set.of(), Set.of(), store.now().plusSeconds(600)));
        assertThat(store.liveWorkers()).extracting(WorkerRegistration::workerId)
                .containsExactlyInAnyOrder("alive", "third");
    }

    @Test
    void taskHubs_haveTheirOwnWorkers_andDeletingAHubRemovesThem() {
        OrchestrationStore a = newTaskHub();
        OrchestrationStore b = newTaskHub();
        a.registerWorker(new WorkerRegistration("w", Set.of("A"), Set.of(), a.now().plusSeconds(600)));

        assertThat(b.liveWorkers()).isEmpty();
        a.deleteTaskHub();
        a.createTaskHubIfNotExists();
        assertThat(a.liveWorkers()).isEmpty();
    }
}
