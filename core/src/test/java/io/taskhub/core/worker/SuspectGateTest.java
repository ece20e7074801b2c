package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Work suspected of crashing the process runs alone: after the work in progress, and after whatever else the
 * process held (claimed beside it, or handed over by a commit) went back uncounted.
 */
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
        assertThat(claimAndEnter(1)).isTrue();
        assertThat(claimAndEnter(2)).as("a retry after one failure (an outage, say) is no suspect").isTrue();
        assertThat(claimAndEnter(POISON_LIMIT + 1)).as("past the limit it runs no code: no suspect").isTrue();
        assertThat(gate.beginClaim(Duration.ZERO)).isTrue();
        gate.released(); // that claim found nothing
        gate.leave(1);
        gate.leave(2);
        gate.leave(POISON_LIMIT + 1);
    }

    @Test
    void aSuspect_waitsForTheWorkInProgress_andForWhatWasClaimedBesideIt_thenHoldsTheProcessAlone() throws Exception {
        assertThat(claimAndEnter(1)).isTrue();
        assertThat(gate.beginClaim(Duration.ZERO)).as("a claim under way beside the suspect's").isTrue();
        CompletableFuture<Boolean> suspect = enterAsync(gate.firstSuspectAttempt());
        Thread.sleep(200);
        assertThat(suspect).as("waits while other work runs").isNotDone();
        assertThat(gate.beginClaim(Duration.ofMillis(50))).as("nothing new is claimed").isFalse();

        gate.leave(1);
        Thread.sleep(200);
        assertThat(suspect).as("waits while the claim beside it holds work").isNotDone();
        assertThat(gate.enter(1)).as("what that claim found goes back").isFalse();
        gate.released(); // it is back: a crash now could not count against it

        assertThat(suspect.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.beginClaim(Duration.ofMillis(50))).as("nor is anything claimed while it runs").isFalse();
        gate.leave(gate.firstSuspectAttempt());

        assertThat(claimAndEnter(1)).isTrue();
        gate.leave(1);
    }

    @Test
    void aStartAboutToBeHanded_isHeldFromBeforeItsCreation_andRefusedWhileASuspectHoldsTheProcess()
            throws Exception {
        assertThat(gate.tryBeginClaim()).as("no suspect: the start may be created held by this process").isTrue();
        CompletableFuture<Boolean> suspect = enterAsync(gate.firstSuspectAttempt());
        Thread.sleep(200);
        assertThat(suspect).as("waits while the start's creation is under way").isNotDone();
        assertThat(gate.tryBeginClaim()).as("no other start is taken meanwhile").isFalse();
        assertThat(gate.enter(1)).as("the created start comes to the gate after the suspect").isFalse();
        gate.released(); // it went back

        assertThat(suspect.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.tryBeginClaim()).as("nor while the suspect runs").isFalse();
        gate.leave(gate.firstSuspectAttempt());
        assertThat(gate.tryBeginClaim()).isTrue();
        gate.released(); // the store created it for claiming instead
    }

    @Test
    void aSuspect_waitsForWorkACommitHandedOver_untilItStartsAndEnds_orGoesBack() throws Exception {
        assertThat(claimAndEnter(1)).isTrue(); // a step that hands two activities over with its commit
        gate.handedOver(2);
        gate.leave(1);
        CompletableFuture<Boolean> suspect = enterAsync(gate.firstSuspectAttempt());
        Thread.sleep(200);
        assertThat(suspect).as("waits while handed-over work is held").isNotDone();

        assertThat(gate.enter(1)).as("handed-over work that comes to the gate after the suspect goes back")
                .isFalse();
        gate.released();
        Thread.sleep(200);
        assertThat(suspect).as("one of the two is still held").isNotDone();
        gate.released(); // the other went back too (the worker stopping, say)

        assertThat(suspect.get(10, TimeUnit.SECONDS)).isTrue();
        gate.leave(gate.firstSuspectAttempt());
    }

    @Test
    void aSecondSuspect_goesBack_whileTheFirstHoldsTheProcess() throws Exception {
        assertThat(claimAndEnter(gate.firstSuspectAttempt())).isTrue();
        assertThat(gate.beginClaim(Duration.ofMillis(50))).isFalse();
        gate.handedOver(1); // say, the result of the suspect's activity brings its step
        assertThat(gate.enter(gate.firstSuspectAttempt() + 1)).as("another suspect").isFalse();
        gate.released();
        gate.leave(gate.firstSuspectAttempt());
        assertThat(claimAndEnter(gate.firstSuspectAttempt() + 1)).isTrue();
        gate.leave(gate.firstSuspectAttempt() + 1);
    }

    private boolean claimAndEnter(int attempts) throws InterruptedException {
        assertThat(gate.beginClaim(Duration.ofSeconds(10))).isTrue();
        return gate.enter(attempts);
    }

    /** A suspect claimed now, entering on a thread of its own. */
    private CompletableFuture<Boolean> enterAsync(int attempts) throws InterruptedException {
        assertThat(gate.beginClaim(Duration.ofSeconds(10))).isTrue();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gate.enter(attempts);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
