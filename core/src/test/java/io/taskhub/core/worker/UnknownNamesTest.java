package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.WorkerDirectory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The wait before work nobody runs is failed counts from when this worker first met it, not from its age. */
class UnknownNamesTest {
    @Test
    void theWaitStartsWhenTheWorkIsFirstMet_andHandBacksStayShort() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            UnknownNames names = new UnknownNames(WorkerOptions.defaults()
                    .withUnknownNameTimeout(Duration.ofMinutes(1)), new WorkerDirectory(backend.taskHub("unknown")));
            Instant met = Instant.parse("2026-12-05T10:00:00Z");

            assertThat(names.remainingWait("instance long-idle", met)).as("however old the instance")
                    .isEqualTo(Duration.ofMinutes(1));
            assertThat(names.remainingWait("instance long-idle", met.plusSeconds(45)))
                    .isEqualTo(Duration.ofSeconds(15));
            assertThat(names.remainingWait("instance long-idle", met.plusSeconds(61))).isNegative();
            names.done("instance long-idle");
            assertThat(names.remainingWait("instance long-idle", met.plusSeconds(90))).as("met again: a new wait")
                    .isEqualTo(Duration.ofMinutes(1));

            assertThat(UnknownNames.handBackFor(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(10));
            assertThat(UnknownNames.handBackFor(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        }
    }
}
