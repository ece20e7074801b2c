package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.orchestration.Orchestrator;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Orchestrator code runs on threads kept for the next code once it ends, each as if it were new. */
class OrchestratorThreadsTest {
    /** What one piece of code saw of the thread it ran on. */
    private record Seen(Thread thread, String name, boolean interrupted, ClassLoader loader) {
    }

    private static Seen runAndWait(OrchestratorThreads threads, String name, Runnable more) throws Exception {
        AtomicReference<Seen> seen = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        threads.run(name, () -> {
            Thread self = Thread.currentThread();
            seen.set(new Seen(self, self.getName(), self.isInterrupted(), self.getContextClassLoader()));
            more.run();
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        return seen.get();
    }

    /** Until the thread waits for the next code (its name is reset just before). */
    private static void awaitIdle(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(thread.getState() == Thread.State.TIMED_WAITING
                && OrchestratorThreads.IDLE_NAME.equals(thread.getName()))) {
            assertThat(System.nanoTime()).as("the thread went back to the pool").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void theNextCode_runsOnTheThreadOfCodeThatEnded_withItsOwnName_loader_andNoInterruptLeft() throws Exception {
        OrchestratorThreads threads = new OrchestratorThreads(Duration.ofSeconds(30));
        Seen first = runAndWait(threads, "taskhub-orchestrator-first", () -> Thread.currentThread().interrupt());
        awaitIdle(first.thread());

        ClassLoader callers = new URLClassLoader(new URL[0], getClass().getClassLoader());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(callers);
        Seen second;
        try {
            second = runAndWait(threads, "taskhub-orchestrator-second", () -> { });
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }

        assertThat(first.name()).isEqualTo("taskhub-orchestrator-first");
        assertThat(second.thread()).isSameAs(first.thread());
        assertThat(threads.created()).isEqualTo(1);
        assertThat(second.name()).isEqualTo("taskhub-orchestrator-second");
        assertThat(second.interrupted()).as("the first code's interrupt is not the second's").isFalse();
        assertThat(second.loader()).isSameAs(callers);
        awaitIdle(second.thread());
        assertThat(second.thread().getContextClassLoader()).as("an idle thread holds no caller's loader").isNull();
    }

    @Test
    void aThread_inheritsNoThreadLocalsFromTheThreadThatCreatedIt() throws Exception {
        InheritableThreadLocal<String> logContext = new InheritableThreadLocal<>();
        logContext.set("the creating thread's instance");
        try {
            OrchestratorThreads threads = new OrchestratorThreads(Duration.ofSeconds(30));
            AtomicReference<String> seen = new AtomicReference<>("not run");
            runAndWait(threads, "taskhub-orchestrator-other", () -> seen.set(logContext.get()));

            assertThat(seen.get()).isNull();
        } finally {
            logContext.remove();
        }
    }

    @Test
    void codeThatStartsWhileOtherCodeWaits_getsAThreadOfItsOwn() throws Exception {
        OrchestratorThreads threads = new OrchestratorThreads(Duration.ofSeconds(30));
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> waiting = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        threads.run("taskhub-orchestrator-waiting", () -> {
            waiting.set(Thread.currentThread());
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        Seen other = runAndWait(threads, "taskhub-orchestrator-other", () -> { });
        release.countDown();

        assertThat(other.thread()).isNotSameAs(waiting.get());
        assertThat(threads.created()).isEqualTo(2);
    }

    @Test
    void aThreadIdleLongerThanItsTime_ends_andTheNextCodeGetsANewOne() throws Exception {
        OrchestratorThreads threads = new OrchestratorThreads(Duration.ofMillis(50));
        Seen first = runAndWait(threads, "taskhub-orchestrator-first", () -> { });
        first.thread().join(10_000);
        assertThat(first.thread().isAlive()).isFalse();

        Seen second = runAndWait(threads, "taskhub-orchestrator-second", () -> { });

        assertThat(second.thread()).isNotSameAs(first.thread());
        assertThat(threads.created()).isEqualTo(2);
    }

    @Test
    void aSessionsCode_runsOnAThreadNamedForItsInstance_thatIsNoLongerTheSessionsOnceTheCodeEnded() {
        AtomicReference<String> name = new AtomicReference<>();
        Orchestrator probe = context -> {
            name.set(Thread.currentThread().getName());
            return "done";
        };
        OrchestrationSession session = OrchestrationSession.fromHistory("threads-probe", "e1",
                List.of(new ExecutionStarted(Instant.now(), "Probe", null, null, "e1", null, null, Map.of())),
                orchestrator -> Optional.of(probe));

        Optional<Outcome> outcome = session.runStep();

        assertThat(outcome).containsInstanceOf(Outcome.Completed.class);
        assertThat(name.get()).isEqualTo("taskhub-orchestrator-threads-probe");
        assertThat(session.isFinished()).isTrue();
        assertThat(session.unwind(Duration.ofSeconds(1))).as("nothing is left to unwind").isTrue();
    }
}
