package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Work suspected of crashing the process runs alone; what was claimed beside it goes back uncounted. */
class SuspectGateTest {
    private static final int POISON_LIMIT = 10;
    private final SuspectGate gate = new SuspectGate(POISON_LIMIT);

    @Test
    void suspects_areThoseHalfwayToThePoisonLimit_fromTheThirdAttempt() {
        assertThat(gate.firstSuspectAttempt()).isEqualTo(5);
        assertThat(new SuspectGate(4).firstSuspectAttempt()).isEqualTo(3);
        assertThat(new SuspectGate(1000).isSuspect(3)).isFalse();
    }

    @Test
    void firstAttemptsAndRetries_runSideBySide() throws Exception {
        assertThat(gate.enter(1)).isTrue();
        assertThat(gate.enter(2)).as("a retry after one failure (an outage, say) is no suspect").isTrue();
        assertThat(gate.enter(POISON_LIMIT + 1)).as("past the limit it runs no code: no suspect").isTrue();
        assertThat(gate.awaitClear(Duration.ZERO)).isTrue();
        gate.leave(1);
        gate.leave(2);
        gate.leave(POISON_LIMIT + 1);
    }

    @Test
    void aSuspect_waitsForTheWorkInProgress_thenHoldsTheProcessAlone() throws Exception {
        assertThat(gate.enter(1)).isTrue();
        CompletableFuture<Boolean> suspect = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.enter(gate.firstSuspectAttempt());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(suspect).as("waits while other work runs").isNotDone();
        assertThat(gate.enter(1)).as("nothing new starts beside a waiting suspect").isFalse();
        assertThat(gate.awaitClear(Duration.ofMillis(50))).as("nor is claimed").isFalse();

        gate.leave(1);

        assertThat(suspect.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.enter(1)).as("work claimed meanwhile goes back").isFalse();
        assertThat(gate.enter(gate.firstSuspectAttempt() + 1)).as("so does another suspect").isFalse();

        gate.leave(gate.firstSuspectAttempt());

        assertThat(gate.awaitClear(Duration.ZERO)).isTrue();
        assertThat(gate.enter(1)).isTrue();
        gate.leave(1);
    }
}
