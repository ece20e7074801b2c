package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the outbox tells the receivers of this process, and the tasks it sends held for this process's own worker
 * (a step's hand-off): hidden from every receiver, and renewed and deleted with the send's own receipt.
 */
class OutboxTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private HubClients hub;
    private QueueOps queues;
    private MessageCodec codec;
    private Outbox outbox;

    @BeforeEach
    void createQueues() {
        String connection = AzuriteServer.connectionString();
        hub = new HubClients(new QueueServiceClientBuilder().connectionString(connection).buildClient(),
                new TableServiceClientBuilder().connectionString(connection).buildClient(),
                new ResourceNames("out" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), 2));
        hub.createIfNotExists();
        queues = new QueueOps(Duration.ofDays(7));
        codec = new MessageCodec(new PayloadStore(hub.payloads()));
        outbox = new Outbox(hub, queues, codec, scheduler, () -> { });
    }

    @AfterEach
    void deleteQueues() {
        hub.deleteIfExists();
        scheduler.shutdownNow();
    }

    @Test
    void eachKindOfSend_wakesOnlyTheReceiverOfItsQueue() {
        outbox.send(Outbox.envelope("m1", InstanceMessage.of("instance-1",
                new EventRaised(Instant.now(), "go", null)), null, null));

        assertThat(outbox.controlSends()).isEqualTo(1);
        assertThat(outbox.taskSends()).as("a control message leaves the work-item receiver resting").isZero();

        outbox.send(Outbox.task("t1", new ActivityTask("instance-1", "x1", 0, "Work", "\"in\""), 1));

        assertThat(outbox.taskSends()).isEqualTo(1);
        assertThat(outbox.controlSends()).isEqualTo(1);

        outbox.taskVisibleAgain(); // a task given back at once
        assertThat(outbox.taskSends()).isEqualTo(2);
        assertThat(outbox.controlSends()).isEqualTo(1);
    }

    @Test
    void aHeldTask_isHiddenFromReceivers_andIsRenewedAndDeletedWithTheSendsReceipt() {
        TaskEnvelope task = Outbox.task("t1", new ActivityTask("instance-1", "x1", 0, "Work", "\"in\""), 1);
        Instant before = Instant.now();

        HeldMessage held = outbox.sendHeld(task.withAttempt(1), Duration.ofSeconds(30));

        assertThat(held.visibleUntil()).isBetween(before.plusSeconds(30), Instant.now().plusSeconds(30));
        assertThat(outbox.taskSends()).as("nothing for a receiver to look for").isZero();
        assertThat(queues.receive(hub.workItems(), -1, 32, Duration.ofSeconds(30))).as("hidden").isEmpty();
        assertThat(codec.decodeTask(held.text).at()).as("its first attempt, recorded").isEqualTo(1);

        assertThat(queues.update(held, Duration.ZERO, null)).as("renewed (here: made visible) by its receipt")
                .isTrue();
        List<HeldMessage> received = queues.receive(hub.workItems(), -1, 32, Duration.ofSeconds(30));
        assertThat(received).singleElement().satisfies(m -> assertThat(m.messageId).isEqualTo(held.messageId));
        assertThat(queues.delete(held)).as("its receipt was replaced by the receive").isFalse();
        assertThat(queues.delete(received.get(0))).isTrue();
    }

    @Test
    void aHeldTask_isDeletedWithTheSendsReceipt() throws InterruptedException {
        HeldMessage held = outbox.sendHeld(Outbox.task("t2", new ActivityTask("instance-2", "x2", 0, "Work", null),
                1), Duration.ofSeconds(1));

        assertThat(queues.delete(held)).isTrue();

        Thread.sleep(Duration.between(Instant.now(), held.visibleUntil()).toMillis() + 500);
        assertThat(queues.receive(hub.workItems(), -1, 32, Duration.ofSeconds(30)))
                .as("gone, not back once its visibility lapsed").isEmpty();
    }
}
