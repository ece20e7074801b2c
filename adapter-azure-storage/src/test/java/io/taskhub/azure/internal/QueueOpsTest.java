package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueueOpsTest {
    private final QueueOps queues = new QueueOps(Duration.ofDays(7));

    @Test
    void visibility_isRoundedUpToWholeSeconds_soNothingBecomesVisibleEarly() {
        assertThat(queues.clamp(Duration.ofMillis(1), Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(queues.clamp(Duration.ofMillis(1001), Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(queues.clamp(Duration.ZERO, Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThat(queues.clamp(Duration.ofMillis(-5), Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void visibility_isCappedAtTheMaximumDelay() {
        assertThat(queues.clamp(Duration.ofDays(30), Duration.ZERO)).isEqualTo(Duration.ofDays(7));
        assertThat(new QueueOps(Duration.ofMillis(2500)).clamp(Duration.ofSeconds(5), Duration.ZERO))
                .isEqualTo(Duration.ofSeconds(2));
    }
}
