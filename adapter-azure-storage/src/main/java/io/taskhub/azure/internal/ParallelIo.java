package io.taskhub.azure.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs independent storage calls side by side (a step that schedules 1000 activities sends 1000 messages; one
 * after the other that is 1000 round trips). Tasks must not submit further tasks to the same pool.
 */
final class ParallelIo {
    private final ExecutorService pool;

    public ParallelIo(ExecutorService pool) {
        this.pool = pool;
    }

    /** Runs every task and waits for all; the first failure is rethrown after all finished. */
    public void runAll(List<Runnable> tasks) {
        if (tasks.size() <= 1) {
            tasks.forEach(Runnable::run);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks.size());
        for (Runnable task : tasks) {
            futures.add(pool.submit(task));
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
