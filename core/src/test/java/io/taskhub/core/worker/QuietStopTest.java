package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Stopping a worker interrupts its idle threads; a store whose wait reports the interruption as a failure (as a
 * connection pool does: "interrupted while waiting for a connection") must not make the stop look like trouble.
 */
class QuietStopTest {
    @Test
    void stoppingWhileTheStoreWaits_logsNoWarning() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                // This test's own complaints only (another test's worker may log through the same logger).
                if (record.getLevel().intValue() >= Level.WARNING.intValue()
                        && record.getMessage().contains("Interrupted while waiting for a database connection")) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(TaskhubWorker.class.getName());
        logger.addHandler(handler);
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            AtomicInteger waiting = new AtomicInteger();
            OrchestrationStore store = interruptedWaitsFail(backend.taskHub("quiet"), waiting);
            TaskhubWorker worker = new TaskhubWorker(store, new OrchestrationRegistry(),
                    WorkerOptions.defaults().withConcurrency(2, 2)).start();
            // Every loop (two of each kind) is in the store's wait, so that the stop interrupts those waits.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() >= 4);
            worker.stop(Duration.ofSeconds(5));
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    }

    private static OrchestrationStore interruptedWaitsFail(OrchestrationStore real, AtomicInteger waiting) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("awaitWork")) {
                        waiting.incrementAndGet();
                        try {
                            Thread.sleep(((Duration) args[0]).toMillis());
                            return null;
                        } catch (InterruptedException e) {
                            throw new StorageException("Interrupted while waiting for a database connection", e);
                        } finally {
                            waiting.decrementAndGet();
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
