package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.ports.history.EventRaised;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages received from a control queue whose partition this worker lost while the receive was under way go back
 * to the queue at once, for the partition's next owner. They were buffered and kept invisible for as long as the
 * process lived: the chaos suite found an orchestration that waited for ever on an activity result held so.
 */
class ControlQueueOwnershipTest {
    private static final Duration VISIBILITY = Duration.ofMinutes(5);

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private HubClients hub;
    private QueueOps queues;
    private MessageCodec codec;
    private ControlQueueBuffer buffer;
    private final AtomicBoolean held = new AtomicBoolean(true);

    @BeforeEach
    void createQueues() {
        String connection = AzuriteServer.connectionString();
        QueueServiceClient queueService = new QueueServiceClientBuilder().connectionString(connection).buildClient();
        TableServiceClient tableService = new TableServiceClientBuilder().connectionString(connection).buildClient();
        hub = new HubClients(queueService, tableService,
                new ResourceNames("own" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), 4));
        hub.createIfNotExists();
        queues = new QueueOps(Duration.ofDays(7));
        codec = new MessageCodec(new PayloadStore(hub.payloads()));
        buffer = new ControlQueueBuffer(queues, codec, hub::controlQueue, new ParallelIo(io),
                new ReceiveBackoff(Duration.ofMillis(10), Duration.ofMillis(50), () -> 0));
        buffer.checkOwnershipWith((partition, epoch) -> partition == 0 && epoch == 7 && held.get());
    }

    @AfterEach
    void deleteQueues() {
        hub.deleteIfExists();
        io.shutdownNow();
    }

    @Test
    void whatAReceiveReturns_afterItsPartitionWasLost_goesBackToTheQueueAtOnce() {
        send("lost-instance");
        held.set(false); // lost while the receive (with its earlier list of partitions) is under way

        int received = buffer.receive(Map.of(0, 7L), VISIBILITY);

        assertThat(received).isEqualTo(1);
        assertThat(buffer.take(Map.of(0, 7L), 10)).as("nothing kept for a partition no longer held").isNull();
        List<HeldMessage> again = queues.receive(hub.controlQueue(0), 0, 32, Duration.ofSeconds(30));
        assertThat(again).as("visible again for the next owner, not after the %s visibility", VISIBILITY)
                .hasSize(1);
        assertThat(codec.decodeEnvelope(again.get(0).text).iid()).isEqualTo("lost-instance");
    }

    @Test
    void whatAReceiveReturns_whileThePartitionIsHeld_isBufferedForThisWorker() {
        send("held-instance");

        assertThat(buffer.receive(Map.of(0, 7L), VISIBILITY)).isEqualTo(1);

        ControlQueueBuffer.Taken taken = buffer.take(Map.of(0, 7L), 10);
        assertThat(taken).isNotNull();
        assertThat(taken.instanceId()).isEqualTo("held-instance");
        assertThat(queues.receive(hub.controlQueue(0), 0, 32, Duration.ofSeconds(30))).as("kept invisible")
                .isEmpty();
    }

    private void send(String instanceId) {
        Envelope envelope = new Envelope(UUID.randomUUID().toString(), instanceId, "execution",
                new EventRaised(Instant.now(), "go", null), null, null, null, null, 0, System.nanoTime(), null,
                Set.of(), 0);
        queues.send(hub.controlQueue(0), codec.encode(envelope), Duration.ZERO);
    }
}
