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
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
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
            OrchestrationStore store = interruptedWaitsFail(backend.taskHub("quiet"));
            TaskhubWorker worker = new TaskhubWorker(store, new OrchestrationRegistry(),
                    WorkerOptions.defaults().withConcurrency(2, 2)).start();
            Thread.sleep(300); // every loop is waiting by now
            worker.stop(Duration.ofSeconds(5));
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    }

    private static OrchestrationStore interruptedWaitsFail(OrchestrationStore real) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("awaitWork")) {
                        try {
                            Thread.sleep(((Duration) args[0]).toMillis());
                            return null;
                        } catch (InterruptedException e) {
                            throw new StorageException("Interrupted while waiting for a database connection", e);
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
