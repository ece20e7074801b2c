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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
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
    private final AtomicInteger turn = new AtomicInteger();
    private final Map<String, Waiting> byToken = new ConcurrentHashMap<>();
    private final Map<String, Waiting> byWork = new ConcurrentHashMap<>();

    /** One connected worker's stream, and what it holds. */
    private static final class Stream {
        final String taskHub;
        final ServerCallStreamObserver<WorkItem> observer;
        final Set<Waiting> held = ConcurrentHashMap.newKeySet();
        volatile boolean open = true;

        Stream(String taskHub, ServerCallStreamObserver<WorkItem> observer) {
            this.taskHub = taskHub;
            this.observer = observer;
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

    /** A worker of {@code taskHub} opened its stream: that hub's work goes to it from now on, until it closes. */
    void connect(String taskHub, ServerCallStreamObserver<WorkItem> observer) {
        Stream stream = new Stream(taskHub, observer);
        observer.setOnCancelHandler(() -> disconnect(stream, "disconnected"));
        streams(taskHub).add(stream);
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
        return new RemoteWorkers() {
            @Override
            public boolean connected() {
                return !streams(taskHub).isEmpty();
            }

            @Override
            public OrchestratorAnswer runOrchestrator(OrchestratorWork work, Duration timeout) {
                Object answer = dispatch(taskHub, orchestratorKey(taskHub, work.instanceId()),
                        WorkItem.newBuilder().setOrchestratorRequest(WorkTranslation.request(work)), timeout);
                return WorkTranslation.answer((OrchestratorResponse) answer);
            }

            @Override
            public ActivityAnswer runActivity(ActivityWork work, Duration timeout) {
                Object answer = dispatch(taskHub, activityKey(taskHub, work.instanceId(), work.taskId()),
                        WorkItem.newBuilder().setActivityRequest(WorkTranslation.request(work)), timeout);
                return WorkTranslation.answer((ActivityResponse) answer);
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
        Stream stream = next(streams(taskHub));
        if (stream == null) {
            throw new RemoteWorkUnavailableException("No Durable Task worker is connected.");
        }
        String token = UUID.randomUUID().toString();
        Waiting waiting = new Waiting(token, work, stream, new CompletableFuture<>());
        byToken.put(token, waiting);
        byWork.put(work, waiting);
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
            // A worker that stays silent that long gets no more work: its stream is ended (a live SDK reconnects),
            // and what it held goes to the others.
            IllegalStateException failure = new IllegalStateException("No Durable Task worker answered " + work
                    + " within " + timeout.toSeconds() + " s.");
            end(stream, "stayed silent past the work item timeout", failure);
            throw failure;
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
        }
    }

    /** The next open stream in turn, or null when none is connected. */
    private Stream next(List<Stream> streams) {
        for (int tries = streams.size(); tries > 0; tries--) {
            if (streams.isEmpty()) {
                return null;
            }
            Stream candidate = streams.get(Math.floorMod(turn.getAndIncrement(), streams.size()));
            if (candidate.open) {
                return candidate;
            }
        }
        return null;
    }

    void completed(String taskHub, OrchestratorResponse response) {
        answered(response.getCompletionToken(), orchestratorKey(taskHub, response.getInstanceId()), response);
    }

    void completed(String taskHub, ActivityResponse response) {
        answered(response.getCompletionToken(), activityKey(taskHub, response.getInstanceId(),
                response.getTaskId()), response);
    }

    /** A worker gave work back unrun (it declined it): it goes back uncounted. */
    void abandoned(String token) {
        Waiting waiting = byToken.get(token);
        if (waiting != null) {
            waiting.answer().completeExceptionally(new RemoteWorkUnavailableException(
                    "The Durable Task worker gave " + waiting.work() + " back unrun."));
        }
    }

    private void answered(String token, String work, Object response) {
        Waiting waiting = token.isEmpty() ? byWork.get(work) : byToken.get(token);
        if (waiting == null || !waiting.answer().complete(response)) {
            LOG.debug("A completion of {} matched nothing waiting (late, or sent twice); dropped", work);
        }
    }
}
