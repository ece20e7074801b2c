package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker's announcement lasts three renewals: 30 s with the default lease, and a lease when the lease is shorter,
 * so that work a store hands on the strength of it moves on as soon as a lease would.
 */
class WorkerPresenceTest {
    @Test
    void theAnnouncement_isRenewedEveryTenSeconds_orEveryThirdOfAShorterLease() {
        assertThat(WorkerPresence.renewEvery(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
        assertThat(WorkerPresence.renewEvery(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
        assertThat(WorkerPresence.renewEvery(Duration.ofSeconds(2))).isEqualTo(Duration.ofNanos(666_666_666));
        assertThat(WorkerPresence.renewEvery(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(100));
    }
}
