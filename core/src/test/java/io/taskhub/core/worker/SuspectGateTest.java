package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Work suspected of crashing the process runs alone; what was claimed beside it goes back uncounted. */
class SuspectGateTest {
    private final SuspectGate gate = new SuspectGate();

    @Test
    void firstAttemptsAndRetries_runSideBySide() throws Exception {
        assertThat(gate.enter(1)).isTrue();
        assertThat(gate.enter(2)).as("a retry after one failure (an outage, say) is no suspect").isTrue();
        assertThat(gate.awaitClear(Duration.ZERO)).isTrue();
        gate.leave(1);
        gate.leave(2);
    }

    @Test
    void aSuspect_waitsForTheWorkInProgress_thenHoldsTheProcessAlone() throws Exception {
        assertThat(gate.enter(1)).isTrue();
        CompletableFuture<Boolean> suspect = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.enter(SuspectGate.SUSPECT_ATTEMPTS);
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
        assertThat(gate.enter(SuspectGate.SUSPECT_ATTEMPTS + 1)).as("so does another suspect").isFalse();

        gate.leave(SuspectGate.SUSPECT_ATTEMPTS);

        assertThat(gate.awaitClear(Duration.ZERO)).isTrue();
        assertThat(gate.enter(1)).isTrue();
        gate.leave(1);
    }
}
