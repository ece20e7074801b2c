package io.taskhub.core.engine;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads orchestrator code runs on, one per session while its code runs, kept for the next session once its
 * code ends. Starting a thread is dear: on a two-core virtual machine, creating, starting and ending one took 260 µs
 * of CPU, where a whole hello sequence (four steps, three activities) cost the worker's process 3.3 to 3.9 ms. A
 * thread left without a session for a while ends.
 *
 * <p>A session's thread is its own while its code runs (the code blocks on it where it awaits), so there are as many
 * threads as sessions whose code is running or waiting, as before; only their starts are saved.
 *
 * <p>What a thread carries is reset for each session: its name, its context class loader (the caller's), its
 * interrupt; it inherits no thread-locals from the thread that happened to create it (an inherited logging context
 * would name that thread's instance in another instance's lines). Thread-locals that orchestrator code sets itself
 * stay with the thread: orchestrator code, which must be deterministic, has no use for them. The pool is the
 * process's: its idle threads end {@link #SHARED_IDLE} after the last session, stopped workers or not.
 */
final class OrchestratorThreads {
    static final Duration SHARED_IDLE = Duration.ofSeconds(10);
    /** The threads of every session of the process. */
    static final OrchestratorThreads SHARED = new OrchestratorThreads(SHARED_IDLE);

    static final String IDLE_NAME = "taskhub-orchestrator-idle";

    private final AtomicInteger created = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    OrchestratorThreads(Duration idle) {
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, idle.toNanos(), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(null, runnable, IDLE_NAME, 0, false);
                    // As each session's own thread was: a process may end while orchestrations wait.
                    thread.setDaemon(true);
                    thread.setPriority(Thread.NORM_PRIORITY);
                    created.incrementAndGet();
                    return thread;
                });
    }

    /**
     * Runs {@code code} on a thread of the pool, named {@code name} meanwhile, with the calling thread's context
     * class loader (as a thread started here would inherit it), and without an interrupt left over from earlier code.
     */
    void run(String name, Runnable code) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        pool.execute(() -> {
            Thread self = Thread.currentThread();
            Thread.interrupted();
            self.setName(name);
            self.setContextClassLoader(loader);
            try {
                code.run();
            } finally {
                self.setContextClassLoader(null);
                self.setName(IDLE_NAME);
                Thread.interrupted();
            }
        });
    }

    /** How many threads this pool has started so far. */
    int created() {
        return created.get();
    }
}
