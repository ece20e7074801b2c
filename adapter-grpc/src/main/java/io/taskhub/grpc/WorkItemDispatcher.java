package io.taskhub.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.taskhub.grpc.protocol.ActivityResponse;
import io.taskhub.grpc.protocol.OrchestratorResponse;
import io.taskhub.grpc.protocol.WorkItem;
import io.taskhub.ports.remote.RemoteWorkUnavailableException;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.remote.RemoteWorkers.ActivityAnswer;
import io.taskhub.ports.remote.RemoteWorkers.ActivityWork;
import io.taskhub.ports.remote.RemoteWorkers.OrchestratorAnswer;
import io.taskhub.ports.remote.RemoteWorkers.OrchestratorWork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected workers' streams ({@code GetWorkItems}), per task hub, and the work handed to them: the engine's
 * worker of a task hub calls {@link #forTaskHub}'s {@code runOrchestrator} or {@code runActivity}, which sends a
 * work item down one of that hub's streams (in turn) and waits for its completion call. A completion is matched by its token, or, from an SDK that sends none, by the instance (and
 * task); a completion that matches nothing waiting (late, or twice) is accepted and dropped, since the SDKs drop
 * their stream on any refusal.
 *
 * <p>A worker that disconnects fails what it held (counted as a failed attempt, as a crash); one that stays silent
 * past the timeout too, and the engine's worker gives the work back to be run again, by this or another worker.
 */
final class WorkItemDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WorkItemDispatcher.class);

    private final Map<String, List<Stream>> streamsByHub = new ConcurrentHashMap<>();
    /** The task hubs whose engine worker hands work to this server's streams. */
    private final Set<String> servedHubs = ConcurrentHashMap.newKeySet();
    /**
     * Work whose item timed out on a stream that was then ended, until when: an SDK without completion tokens may
     * still answer it late, and that answer must not complete the item sent again since.
     */
    private final Map<String, Instant> staleWork = new ConcurrentHashMap<>();
    /** Signalled when a stream gets a free place or a new stream connects. */
    private final Object places = new Object();
    private final AtomicInteger turn = new AtomicInteger();
    private final Map<String, Waiting> byToken = new ConcurrentHashMap<>();
    private final Map<String, Waiting> byWork = new ConcurrentHashMap<>();

    /** One connected worker's stream, and what it holds. */
    private static final class Stream {
        final String taskHub;
        final ServerCallStreamObserver<WorkItem> observer;
        final Set<Waiting> held = ConcurrentHashMap.newKeySet();
        /** How many items it may hold at once (an SDK that says nothing processes one at a time). */
        final Semaphore free;
        volatile boolean open = true;

        Stream(String taskHub, ServerCallStreamObserver<WorkItem> observer, int capacity) {
            this.taskHub = taskHub;
            this.observer = observer;
            this.free = new Semaphore(capacity);
        }

        /** Sends one item; the observer is not safe for concurrent calls. */
        synchronized void send(WorkItem item) {
            if (!open) {
                throw new IllegalStateException("the stream is closed");
            }
            observer.onNext(item);
        }
    }

    /** Work sent and not yet answered. */
    private record Waiting(String token, String work, Stream stream, CompletableFuture<Object> answer) {
    }

    private List<Stream> streams(String taskHub) {
        return streamsByHub.computeIfAbsent(taskHub, hub -> new CopyOnWriteArrayList<>());
    }

    /** Whether an engine worker of {@code taskHub} hands work to this server's workers. */
    boolean serves(String taskHub) {
        return servedHubs.contains(taskHub);
    }

    /**
     * A worker of {@code taskHub} opened its stream: that hub's work goes to it from now on, until it closes, at
     * most {@code capacity} items at a time.
     */
    void connect(String taskHub, ServerCallStreamObserver<WorkItem> observer, int capacity) {
        Stream stream = new Stream(taskHub, observer, Math.max(1, capacity));
        observer.setOnCancelHandler(() -> disconnect(stream, "disconnected"));
        streams(taskHub).add(stream);
        synchronized (places) {
            places.notifyAll();
        }
        LOG.info("A Durable Task worker of task hub {} connected ({} connected)", taskHub, streams(taskHub).size());
    }

    private void disconnect(Stream stream, String why) {
        disconnect(stream, why, new IllegalStateException("The Durable Task worker " + why
                + " before it answered."));
    }

    /** Closes the stream's side here and fails what it held with {@code failure}. */
    private void disconnect(Stream stream, String why, RuntimeException failure) {
        stream.open = false;
        if (streams(stream.taskHub).remove(stream)) {
            LOG.info("A Durable Task worker of task hub {} {} ({} connected); {} work items it held go back",
                    stream.taskHub, why, streams(stream.taskHub).size(), stream.held.size());
        }
        for (Waiting waiting : stream.held) {
            waiting.answer().completeExceptionally(failure);
        }
    }

    /** Ends every stream (the server stops); the workers reconnect to whichever server comes next. */
    void closeAll() {
        for (Stream stream : streamsByHub.values().stream().flatMap(List::stream).toList()) {
            // Not the worker's failure: what it held goes back uncounted.
            end(stream, "was let go as the server stops",
                    new RemoteWorkUnavailableException("The server stopped before the Durable Task worker answered."));
        }
    }

    /** Ends the stream from this side: what it held fails with {@code failure}, and the worker is told. */
    private void end(Stream stream, String why, RuntimeException failure) {
        disconnect(stream, why, failure);
        try {
            synchronized (stream) {
                stream.observer.onError(Status.UNAVAILABLE.withDescription("The server ended this stream: it " + why
                        + ".").asRuntimeException());
            }
        } catch (RuntimeException alreadyClosed) {
            LOG.debug("A stream was already closed", alreadyClosed);
        }
    }

    /** The remote workers of {@code taskHub} (its canonical name), for that hub's engine worker. */
    RemoteWorkers forTaskHub(String taskHub) {
        servedHubs.add(taskHub);
        return new RemoteWorkers() {
            @Override
            public boolean connected() {
                return !streams(taskHub).isEmpty();
            }

            @Override
            public OrchestratorAnswer runOrchestrator(OrchestratorWork work, Duration timeout) {
                Object answer = dispatch(taskHub, orchestratorKey(taskHub, work.instanceId()),
                        WorkItem.newBuilder().setOrchestratorRequest(WorkTranslation.request(work)), timeout);
                if (!(answer instanceof OrchestratorResponse response)) {
                    throw new IllegalStateException("The Durable Task worker answered orchestrator work with "
                            + answer.getClass().getSimpleName() + ".");
                }
                return WorkTranslation.answer(response);
            }

            @Override
            public ActivityAnswer runActivity(ActivityWork work, Duration timeout) {
                Object answer = dispatch(taskHub, activityKey(taskHub, work.instanceId(), work.taskId()),
                        WorkItem.newBuilder().setActivityRequest(WorkTranslation.request(work)), timeout);
                if (!(answer instanceof ActivityResponse response)) {
                    throw new IllegalStateException("The Durable Task worker answered an activity with "
                            + answer.getClass().getSimpleName() + ".");
                }
                return WorkTranslation.answer(response);
            }
        };
    }

    private static String orchestratorKey(String taskHub, String instanceId) {
        return "orchestrator " + instanceId + " of task hub " + taskHub;
    }

    private static String activityKey(String taskHub, String instanceId, int taskId) {
        return "activity " + instanceId + "/" + taskId + " of task hub " + taskHub;
    }

    private Object dispatch(String taskHub, String work, WorkItem.Builder item, Duration timeout) {
        Stream stream = takePlace(streams(taskHub), timeout);
        String token = UUID.randomUUID().toString();
        Waiting waiting = new Waiting(token, work, stream, new CompletableFuture<>());
        if (byWork.putIfAbsent(work, waiting) != null) {
            release(stream);
            // The same work is out already (its lease was taken over meanwhile): this copy fails as an attempt, so
            // that it comes back after a pause rather than at once.
            throw new IllegalStateException("A Durable Task worker holds " + work + " already.");
        }
        byToken.put(token, waiting);
        stream.held.add(waiting);
        try {
            try {
                stream.send(item.setCompletionToken(token).build());
            } catch (RuntimeException closed) {
                disconnect(stream, "could not be reached");
                throw new RemoteWorkUnavailableException("The Durable Task worker chosen for " + work
                        + " could not be reached: " + closed.getMessage());
            }
            return waiting.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException silent) {
            // A worker that stays silent that long gets no more work: its stream is ended (a live SDK reconnects).
            // Only this item counts as a failed attempt; what else it held goes back uncounted.
            staleWork.put(work, Instant.now().plus(timeout.multipliedBy(2)));
            end(stream, "stayed silent past the work item timeout", new RemoteWorkUnavailableException(
                    "The Durable Task worker holding it stayed silent on other work."));
            throw new IllegalStateException("No Durable Task worker answered " + work + " within "
                    + timeout.toSeconds() + " s.");
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException e ? e
                    : new IllegalStateException(failed.getCause());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            throw new RemoteWorkUnavailableException("Stopped while waiting for a Durable Task worker.");
        } finally {
            byToken.remove(token, waiting);
            byWork.remove(work, waiting);
            stream.held.remove(waiting);
            release(stream);
        }
    }

    /**
     * A place on a connected stream, in turn, waiting up to {@code timeout} while every stream is full.
     *
     * @throws RemoteWorkUnavailableException when none is connected, or none had room in time
     */
    private Stream takePlace(List<Stream> streams, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (places) {
            while (true) {
                Stream[] now = streams.toArray(Stream[]::new);
                if (now.length == 0) {
                    throw new RemoteWorkUnavailableException("No Durable Task worker is connected.");
                }
                int start = Math.floorMod(turn.getAndIncrement(), now.length);
                for (int i = 0; i < now.length; i++) {
                    Stream candidate = now[(start + i) % now.length];
                    if (candidate.open && candidate.free.tryAcquire()) {
                        return candidate;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RemoteWorkUnavailableException("Every connected Durable Task worker is busy.");
                }
                try {
                    places.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    throw new RemoteWorkUnavailableException("Stopped while waiting for a Durable Task worker.");
                }
            }
        }
    }

    private void release(Stream stream) {
        stream.free.release();
        synchronized (places) {
            places.notifyAll();
        }
    }

    void completed(String taskHub, OrchestratorResponse response) {
        answered(response.getCompletionToken(), orchestratorKey(taskHub, response.getInstanceId()), response);
    }

    void completed(String taskHub, ActivityResponse response) {
        answered(response.getCompletionToken(), activityKey(taskHub, response.getInstanceId(),
                response.getTaskId()), response);
    }

    /**
     * A worker gave work back unrun (it declined it). It counts as an attempt: a worker that declines everything
     * would otherwise get the same work back at once, for ever.
     */
    void abandoned(String token) {
        Waiting waiting = byToken.get(token);
        if (waiting != null) {
            waiting.answer().completeExceptionally(new IllegalStateException(
                    "The Durable Task worker gave " + waiting.work() + " back unrun."));
        }
    }

    private void answered(String token, String work, Object response) {
        if (token.isEmpty()) {
            Instant staleUntil = staleWork.remove(work);
            if (staleUntil != null && staleUntil.isAfter(Instant.now())) {
                LOG.debug("A late completion of {}, whose worker was let go, dropped", work);
                return;
            }
        }
        Waiting waiting = token.isEmpty() ? byWork.get(work) : byToken.get(token);
        if (waiting == null || !waiting.answer().complete(response)) {
            LOG.debug("A completion of {} matched nothing waiting (late, or sent twice); dropped", work);
        }
    }
}
