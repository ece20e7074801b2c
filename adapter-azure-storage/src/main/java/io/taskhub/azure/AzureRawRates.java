package io.taskhub.azure;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import io.taskhub.ports.store.RawRateProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage account's own rates, with the clients Taskhub uses: a queue message's whole life (sent, received,
 * deleted), as every message of Taskhub's takes, and a table write (an upsert of one small entity), as a
 * checkpoint's rows are. Each runs on a scratch queue or table of its own, deleted afterwards.
 */
final class AzureRawRates implements RawRateProbe {
    private static final String PAYLOAD = "{\"probe\":true,\"input\":\"" + "x".repeat(200) + "\"}";

    private final QueueServiceClient queues;
    private final TableServiceClient tables;

    private final String scratch;

    AzureRawRates(QueueServiceClient queues, TableServiceClient tables) {
        this(queues, tables, "taskhubprobe" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT));
    }

    /** @param scratch the name of the scratch queue and table (for tests) */
    AzureRawRates(QueueServiceClient queues, TableServiceClient tables, String scratch) {
        this.queues = queues;
        this.tables = tables;
        this.scratch = scratch;
    }

    @Override
    public List<Rate> measure(int threads, Duration duration) {
        QueueClient queue = queues.getQueueClient(scratch);
        queue.createIfNotExists();
        double messages;
        try {
            messages = run(threads, duration, () -> {
                queue.sendMessage(PAYLOAD);
                // Another thread may have taken this thread's message: any message completes a cycle.
                for (QueueMessageItem item : queue.receiveMessages(1)) {
                    try {
                        queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
                    } catch (QueueStorageException e) {
                        if (e.getStatusCode() != 404) {
                            throw e;
                        }
                        // The SDK retried a delete that had gone through (the service was slow to answer):
                        // the message is gone, and the cycle did not complete here.
                        return false;
                    }
                    return true;
                }
                return false;
            });
        } finally {
            queue.deleteIfExists();
        }
        tables.createTableIfNotExists(scratch);
        TableClient table = tables.getTableClient(scratch);
        AtomicLong keys = new AtomicLong();
        double writes;
        try {
            writes = run(threads, duration, () -> {
                long key = keys.incrementAndGet();
                table.upsertEntity(new TableEntity("p" + (key % 16), "r" + key).addProperty("Payload", PAYLOAD));
                return true;
            });
        } finally {
            tables.deleteTable(scratch);
        }
        return List.of(new Rate("queue message sent, received and deleted", messages),
                new Rate("table entity written", writes));
    }

    private interface Operation {
        /** One operation; false when it did not complete one (it is not counted). */
        boolean run();
    }

    /** Operations completed per second by {@code threads} threads running {@code operation} for {@code duration}. */
    private static double run(int threads, Duration duration, Operation operation) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        if (operation.run()) {
                            done.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring the storage's rates", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Could not measure the storage's rates: " + e.getCause().getMessage(),
                    e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }
}
