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
 * process lived: the chaos suite found an orchestration that waited for ever on an activity result held so. The
 * same holds for the messages of a claim that failed (they wait here only while the partition is still held), and
 * the keep-alive renews only what belongs to a partition held under a running lease: the chaos suite found a start
 * that waited for minutes.
 */
class ControlQueueOwnershipTest {
    private static final Duration VISIBILITY = Duration.ofMinutes(5);

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private HubClients hub;
    private QueueOps queues;
    private MessageCodec codec;
    private ControlQueueBuffer buffer;
    private final AtomicBoolean held = new AtomicBoolean(true);
    private final AtomicBoolean leased = new AtomicBoolean(true);

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
        buffer.checkOwnershipWith(new ControlQueueBuffer.Ownership() {
            @Override
            public boolean holds(int partition, long epoch) {
                return partition == 0 && epoch == 7 && held.get();
            }

            @Override
            public boolean leased(int partition, long epoch) {
                return holds(partition, epoch) && leased.get();
            }
        });
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
        List<HeldMessage> again = visibleInTheQueue();
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
        assertThat(visibleInTheQueue()).as("kept invisible")
                .isEmpty();
    }

    @Test
    void aClaimThatFailed_afterItsPartitionWasLost_returnsItsMessagesToTheQueueAtOnce_notCountedAsAnAttempt() {
        send("failed-claim");
        buffer.receive(Map.of(0, 7L), VISIBILITY);
        ControlQueueBuffer.Taken taken = buffer.take(Map.of(0, 7L), 10);
        assertThat(taken).isNotNull();
        held.set(false); // lost while the claim was under way

        buffer.putBack(taken, Duration.ofSeconds(1));

        held.set(true);
        assertThat(buffer.take(Map.of(0, 7L), 10)).as("not kept in this buffer").isNull();
        List<HeldMessage> again = visibleInTheQueue();
        assertThat(again).as("visible again at once, not after the %s visibility", VISIBILITY).hasSize(1);
        Envelope returned = codec.decodeEnvelope(again.get(0).text);
        assertThat(returned.iid()).isEqualTo("failed-claim");
        assertThat(returned.bn()).as("the failed claim's receipt recorded as no attempt").isEqualTo(1);
    }

    @Test
    void aMessageGivenBack_isNotHiddenAgain_byARenewalThatComesLate() {
        send("given-back");
        buffer.receive(Map.of(0, 7L), VISIBILITY);
        ControlQueueBuffer.Taken taken = buffer.take(Map.of(0, 7L), 10);
        HeldMessage held = taken.messages().get(0).held();
        this.held.set(false);
        buffer.putBack(taken, Duration.ZERO); // back to the queue for the partition's next owner

        assertThat(queues.update(held, VISIBILITY, null)).as("the keep-alive's renewal, late").isFalse();

        assertThat(visibleInTheQueue()).as("still visible")
                .hasSize(1);
    }

    @Test
    void aClaimThatFailed_whileThePartitionIsHeld_waitsHereInOrder_behindTheOtherInstancesForAMoment()
            throws InterruptedException {
        send("failing", "first");
        send("failing", "second");
        buffer.receive(Map.of(0, 7L), VISIBILITY);
        ControlQueueBuffer.Taken failed = buffer.take(Map.of(0, 7L), 1);
        assertThat(failed.messages()).extracting(b -> ((EventRaised) codec.event(b.envelope())).name())
                .containsExactly("first");
        send("other", "go");
        buffer.receive(Map.of(0, 7L), VISIBILITY);

        buffer.putBack(failed, Duration.ofSeconds(1));

        ControlQueueBuffer.Taken next = buffer.take(Map.of(0, 7L), 10);
        assertThat(next.instanceId()).as("another instance first").isEqualTo("other");
        buffer.unlock(next.instanceId(), next.token());
        assertThat(buffer.take(Map.of(0, 7L), 10)).as("the failed instance backs off a moment").isNull();
        Thread.sleep(1_100);
        ControlQueueBuffer.Taken again = buffer.take(Map.of(0, 7L), 10);
        assertThat(again.instanceId()).isEqualTo("failing");
        assertThat(again.messages()).as("in the order they were sent")
                .extracting(b -> ((EventRaised) codec.event(b.envelope())).name()).containsExactly("first", "second");
        assertThat(visibleInTheQueue()).as("kept invisible")
                .isEmpty();
    }

    @Test
    void theKeepAlive_givesBackTheBufferedMessagesOfAPartitionNoLongerHeld() {
        send("buffered-then-lost");
        buffer.receive(Map.of(0, 7L), VISIBILITY);
        held.set(false); // lost without the release reaching this buffer

        buffer.keepAlive();

        assertThat(buffer.take(Map.of(0, 7L), 10)).isNull();
        assertThat(visibleInTheQueue()).as("visible again at once")
                .hasSize(1);
    }

    @Test
    void theKeepAlive_renewsBufferedMessagesOnlyWhileThePartitionsLeaseRuns() throws InterruptedException {
        Duration visibility = Duration.ofSeconds(4);
        send("renewed");
        buffer.receive(Map.of(0, 7L), visibility);
        Thread.sleep(2_500); // within half its visibility of lapsing: due for renewal

        buffer.keepAlive(); // hidden for another 4 s
        Thread.sleep(2_000); // past the first receipt's visibility

        assertThat(visibleInTheQueue()).as("renewed, still hidden")
                .isEmpty();

        leased.set(false); // the lease ran out unrenewed: the partition may be another worker's already
        Thread.sleep(2_500); // past the renewal's visibility too
        buffer.keepAlive(); // would hide it again if it renewed

        assertThat(visibleInTheQueue())
                .as("left to lapse, for whoever takes the partition").hasSize(1);
    }

    /** What a receive of another worker finds in the queue now (hiding it for 30 s). */
    private List<HeldMessage> visibleInTheQueue() {
        return queues.receive(hub.controlQueue(0), 0, 32, Duration.ofSeconds(30));
    }

    private void send(String instanceId) {
        send(instanceId, "go");
    }

    private void send(String instanceId, String eventName) {
        Envelope envelope = new Envelope(UUID.randomUUID().toString(), instanceId, "execution",
                new EventRaised(Instant.now(), eventName, null), null, null, null, null, 0, System.nanoTime(), null,
                Set.of(), 0);
        queues.send(hub.controlQueue(0), codec.encode(envelope), Duration.ZERO);
    }
}
