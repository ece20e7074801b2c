package io.taskhub.grpc;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Empty;
import com.google.protobuf.StringValue;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskhub.grpc.protocol.AbandonActivityTaskRequest;
import io.taskhub.grpc.protocol.AbandonActivityTaskResponse;
import io.taskhub.grpc.protocol.AbandonOrchestrationTaskRequest;
import io.taskhub.grpc.protocol.AbandonOrchestrationTaskResponse;
import io.taskhub.grpc.protocol.ActivityResponse;
import io.taskhub.grpc.protocol.CompleteTaskResponse;
import io.taskhub.grpc.protocol.CreateInstanceRequest;
import io.taskhub.grpc.protocol.CreateInstanceResponse;
import io.taskhub.grpc.protocol.CreateTaskHubRequest;
import io.taskhub.grpc.protocol.CreateTaskHubResponse;
import io.taskhub.grpc.protocol.DeleteTaskHubRequest;
import io.taskhub.grpc.protocol.DeleteTaskHubResponse;
import io.taskhub.grpc.protocol.GetInstanceRequest;
import io.taskhub.grpc.protocol.GetInstanceResponse;
import io.taskhub.grpc.protocol.GetWorkItemsRequest;
import io.taskhub.grpc.protocol.InstanceQuery;
import io.taskhub.grpc.protocol.OrchestrationStatus;
import io.taskhub.grpc.protocol.OrchestratorResponse;
import io.taskhub.grpc.protocol.PurgeInstanceFilter;
import io.taskhub.grpc.protocol.PurgeInstancesRequest;
import io.taskhub.grpc.protocol.PurgeInstancesResponse;
import io.taskhub.grpc.protocol.QueryInstancesRequest;
import io.taskhub.grpc.protocol.QueryInstancesResponse;
import io.taskhub.grpc.protocol.RaiseEventRequest;
import io.taskhub.grpc.protocol.RaiseEventResponse;
import io.taskhub.grpc.protocol.RestartInstanceRequest;
import io.taskhub.grpc.protocol.RestartInstanceResponse;
import io.taskhub.grpc.protocol.ResumeRequest;
import io.taskhub.grpc.protocol.ResumeResponse;
import io.taskhub.grpc.protocol.RewindInstanceRequest;
import io.taskhub.grpc.protocol.RewindInstanceResponse;
import io.taskhub.grpc.protocol.SuspendRequest;
import io.taskhub.grpc.protocol.SuspendResponse;
import io.taskhub.grpc.protocol.TaskHubSidecarServiceGrpc;
import io.taskhub.grpc.protocol.TerminateRequest;
import io.taskhub.grpc.protocol.TerminateResponse;
import io.taskhub.grpc.protocol.WorkItem;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.ReusePolicy;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.PurgeFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Durable Task protocol's calls. The workers' calls (the work item stream and its completions) go to the
 * {@link WorkItemDispatcher}. The management calls of the Durable Task protocol, each translated to the same {@link TaskhubClient} operation
 * the HTTP API and the CLI use: an instance started here is the instance any other client sees, under the same
 * rules. Errors go through {@link GrpcErrors}.
 */
class SidecarService extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {
    /** How long one wait of the engine lasts before the call's cancellation is looked at again. */
    private static final Duration WAIT_SLICE = Duration.ofSeconds(10);
    /** A purge by filter works this long per call at most (the SDKs call again while it is not complete). */
    private static final Duration PURGE_BUDGET = Duration.ofSeconds(30);

    private final TaskhubClients clients;
    private final WorkItemDispatcher dispatcher;

    SidecarService(TaskhubClients clients, WorkItemDispatcher dispatcher) {
        this.clients = clients;
        this.dispatcher = dispatcher;
    }

    private TaskhubClient client() {
        return clients.forTaskHub(CallScope.CALL_TASK_HUB.get());
    }

    /** Answers {@code observer} with what {@code call} returns, or with the error it throws, translated. */
    private static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.of(e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }

    @Override
    public void hello(Empty request, StreamObserver<Empty> observer) {
        answer(observer, Empty::getDefaultInstance);
    }

    @Override
    public void startInstance(CreateInstanceRequest request, StreamObserver<CreateInstanceResponse> observer) {
        answer(observer, () -> {
            StartInstanceRequest start = StartInstanceRequest.of(request.getName(),
                    Protocol.json(request.hasInput(), request.getInput()));
            if (!request.getInstanceId().isEmpty()) {
                start = start.withInstanceId(request.getInstanceId());
            }
            Instant startAt = Protocol.instant(request.hasScheduledStartTimestamp(),
                    request.getScheduledStartTimestamp());
            if (startAt != null && startAt.isAfter(Instant.now())) {
                start = start.withStartAt(startAt);
            }
            if (request.hasVersion()) {
                start = start.withVersion(request.getVersion().getValue());
            }
            // A reuse policy that lets an active instance be replaced is Taskhub's terminate-and-replace; any
            // other (or none) replaces finished instances only.
            if (request.hasOrchestrationIdReusePolicy() && request.getOrchestrationIdReusePolicy()
                    .getReplaceableStatusList().stream().map(Protocol::status).anyMatch(s -> !s.isTerminal())) {
                start = start.withReusePolicy(ReusePolicy.TERMINATE_AND_REPLACE);
            }
            String id = client().startNew(start);
            return CreateInstanceResponse.newBuilder().setInstanceId(id).build();
        });
    }

    @Override
    public void getInstance(GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
        answer(observer, () -> found(client().getStatus(request.getInstanceId(),
                new StatusOptions(false, false, request.getGetInputsAndOutputs())).map(InstanceStatus::metadata),
                request.getGetInputsAndOutputs()));
    }

    /** Not found is {@code exists=false} without a state: the SDKs decide "found" from the state's fields. */
    private static GetInstanceResponse found(Optional<InstanceMetadata> instance, boolean withPayloads) {
        return instance.map(m -> GetInstanceResponse.newBuilder().setExists(true)
                .setOrchestrationState(Protocol.state(m, withPayloads)).build())
                .orElseGet(() -> GetInstanceResponse.newBuilder().setExists(false).build());
    }

    @Override
    public void waitForInstanceStart(GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
        answer(observer, () -> found(await(request.getInstanceId(), m -> m.runtimeStatus() != RuntimeStatus.Pending,
                (client, slice) -> client.waitForStart(request.getInstanceId(), slice)),
                request.getGetInputsAndOutputs()));
    }

    @Override
    public void waitForInstanceCompletion(GetInstanceRequest request,
            StreamObserver<GetInstanceResponse> observer) {
        answer(observer, () -> found(await(request.getInstanceId(), m -> m.runtimeStatus().isTerminal(),
                (client, slice) -> client.waitForCompletion(request.getInstanceId(), slice)),
                request.getGetInputsAndOutputs()));
    }

    private interface Wait {
        Optional<InstanceMetadata> upTo(TaskhubClient client, Duration slice);
    }

    /**
     * Waits in slices until the instance is there and {@code done}, or the call ends: its deadline (the client's
     * timeout, which gRPC enforces) or its cancellation. Answers what the last slice saw.
     */
    private Optional<InstanceMetadata> await(String instanceId, java.util.function.Predicate<InstanceMetadata> done,
            Wait wait) {
        TaskhubClient client = client();
        Context call = Context.current();
        while (true) {
            Duration slice = WAIT_SLICE;
            if (call.getDeadline() != null) {
                long left = call.getDeadline().timeRemaining(TimeUnit.MILLISECONDS);
                slice = Duration.ofMillis(Math.max(1, Math.min(left, slice.toMillis())));
            }
            Optional<InstanceMetadata> seen = wait.upTo(client, slice);
            if (seen.isEmpty() || done.test(seen.get()) || call.isCancelled()) {
                return seen;
            }
        }
    }

    @Override
    public void raiseEvent(RaiseEventRequest request, StreamObserver<RaiseEventResponse> observer) {
        answer(observer, () -> {
            String data = Protocol.json(request.hasInput(), request.getInput());
            client().raiseEvent(request.getInstanceId(), request.getName(), data == null ? "null" : data);
            return RaiseEventResponse.getDefaultInstance();
        });
    }

    @Override
    public void terminateInstance(TerminateRequest request, StreamObserver<TerminateResponse> observer) {
        answer(observer, () -> {
            client().terminate(request.getInstanceId(), Protocol.text(request.hasOutput(), request.getOutput()),
                    request.getRecursive());
            return TerminateResponse.getDefaultInstance();
        });
    }

    @Override
    public void suspendInstance(SuspendRequest request, StreamObserver<SuspendResponse> observer) {
        answer(observer, () -> {
            client().suspend(request.getInstanceId(), Protocol.text(request.hasReason(), request.getReason()));
            return SuspendResponse.getDefaultInstance();
        });
    }

    @Override
    public void resumeInstance(ResumeRequest request, StreamObserver<ResumeResponse> observer) {
        answer(observer, () -> {
            client().resume(request.getInstanceId(), Protocol.text(request.hasReason(), request.getReason()));
            return ResumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void rewindInstance(RewindInstanceRequest request, StreamObserver<RewindInstanceResponse> observer) {
        answer(observer, () -> {
            client().rewind(request.getInstanceId(), Protocol.text(request.hasReason(), request.getReason()));
            return RewindInstanceResponse.getDefaultInstance();
        });
    }

    @Override
    public void restartInstance(RestartInstanceRequest request, StreamObserver<RestartInstanceResponse> observer) {
        answer(observer, () -> RestartInstanceResponse.newBuilder().setInstanceId(
                client().restart(request.getInstanceId(), request.getRestartWithNewInstanceId())).build());
    }

    @Override
    public void queryInstances(QueryInstancesRequest request, StreamObserver<QueryInstancesResponse> observer) {
        answer(observer, () -> {
            InstanceQuery query = request.getQuery();
            io.taskhub.ports.query.InstanceQuery.Builder filter = io.taskhub.ports.query.InstanceQuery.builder()
                    .statuses(statuses(query.getRuntimeStatusList()))
                    .createdFrom(Protocol.instant(query.hasCreatedTimeFrom(), query.getCreatedTimeFrom()))
                    .createdTo(Protocol.instant(query.hasCreatedTimeTo(), query.getCreatedTimeTo()))
                    .instanceIdPrefix(Protocol.text(query.hasInstanceIdPrefix(), query.getInstanceIdPrefix()))
                    .continuationToken(Protocol.text(query.hasContinuationToken(), query.getContinuationToken()))
                    .fetchInputsAndOutputs(query.getFetchInputsAndOutputs());
            if (query.getMaxInstanceCount() > 0) {
                filter.pageSize(query.getMaxInstanceCount());
            }
            InstancePage page = client().list(filter.build());
            QueryInstancesResponse.Builder response = QueryInstancesResponse.newBuilder();
            page.instances().forEach(m -> response.addOrchestrationState(Protocol.state(m,
                    query.getFetchInputsAndOutputs())));
            if (page.continuationToken() != null) {
                response.setContinuationToken(StringValue.of(page.continuationToken()));
            }
            return response.build();
        });
    }

    private static Set<RuntimeStatus> statuses(java.util.List<OrchestrationStatus> statuses) {
        Set<RuntimeStatus> result = EnumSet.noneOf(RuntimeStatus.class);
        statuses.forEach(s -> result.add(Protocol.status(s)));
        return result;
    }

    @Override
    public void purgeInstances(PurgeInstancesRequest request, StreamObserver<PurgeInstancesResponse> observer) {
        answer(observer, () -> {
            PurgeResult result = switch (request.getRequestCase()) {
                case INSTANCEID -> purgeOne(request.getInstanceId(), request.getRecursive());
                case PURGEINSTANCEFILTER -> {
                    PurgeInstanceFilter filter = request.getPurgeInstanceFilter();
                    yield client().purge(new PurgeFilter(
                            Protocol.instant(filter.hasCreatedTimeFrom(), filter.getCreatedTimeFrom()),
                            Protocol.instant(filter.hasCreatedTimeTo(), filter.getCreatedTimeTo()),
                            statuses(filter.getRuntimeStatusList())), PURGE_BUDGET);
                }
                case INSTANCEBATCH -> {
                    PurgeResult all = PurgeResult.NONE;
                    for (String id : request.getInstanceBatch().getInstanceIdsList()) {
                        all = all.plus(purgeOne(id, request.getRecursive()));
                    }
                    yield all;
                }
                case REQUEST_NOT_SET -> throw new io.taskhub.ports.errors.InvalidArgumentException(
                        "A purge names an instance id, a filter or a batch of ids.");
            };
            return PurgeInstancesResponse.newBuilder().setDeletedInstanceCount(result.deletedInstanceCount())
                    .setIsComplete(BoolValue.of(result.isComplete())).build();
        });
    }

    /** A purge of an instance that is not there deletes nothing, as the protocol's backends answer it. */
    private PurgeResult purgeOne(String instanceId, boolean recursive) {
        try {
            return client().purge(instanceId, recursive);
        } catch (io.taskhub.ports.errors.InstanceNotFoundException gone) {
            return PurgeResult.NONE;
        }
    }

    // ---- workers ---------------------------------------------------------------------------------------------------

    /** A worker's stream: open until the worker goes; work items are sent down it as the engine has them. */
    @Override
    public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> observer) {
        String taskHub;
        try {
            taskHub = client().taskHub();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.of(e));
            return;
        }
        if (!dispatcher.serves(taskHub)) {
            observer.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription("No worker of this server hands the"
                    + " work of task hub " + taskHub + " to Durable Task workers; connect to the server that runs it,"
                    + " or without the taskhub metadata for this server's own.").asRuntimeException());
            return;
        }
        // A worker that says how much it takes at once gets that much; one that says nothing, one item at a time.
        int capacity = request.getMaxConcurrentOrchestrationWorkItems() + request.getMaxConcurrentActivityWorkItems();
        dispatcher.connect(taskHub, (ServerCallStreamObserver<WorkItem>) observer, capacity);
    }

    @Override
    public void completeOrchestratorTask(OrchestratorResponse response,
            StreamObserver<CompleteTaskResponse> observer) {
        answer(observer, () -> {
            dispatcher.completed(client().taskHub(), response);
            return CompleteTaskResponse.getDefaultInstance();
        });
    }

    @Override
    public void completeActivityTask(ActivityResponse response, StreamObserver<CompleteTaskResponse> observer) {
        answer(observer, () -> {
            dispatcher.completed(client().taskHub(), response);
            return CompleteTaskResponse.getDefaultInstance();
        });
    }

    @Override
    public void abandonTaskOrchestratorWorkItem(AbandonOrchestrationTaskRequest request,
            StreamObserver<AbandonOrchestrationTaskResponse> observer) {
        answer(observer, () -> {
            dispatcher.abandoned(request.getCompletionToken());
            return AbandonOrchestrationTaskResponse.getDefaultInstance();
        });
    }

    @Override
    public void abandonTaskActivityWorkItem(AbandonActivityTaskRequest request,
            StreamObserver<AbandonActivityTaskResponse> observer) {
        answer(observer, () -> {
            dispatcher.abandoned(request.getCompletionToken());
            return AbandonActivityTaskResponse.getDefaultInstance();
        });
    }

    // ---- task hubs -------------------------------------------------------------------------------------------------

    @Override
    public void createTaskHub(CreateTaskHubRequest request, StreamObserver<CreateTaskHubResponse> observer) {
        // A task hub's storage is made when it is first used; with recreateIfExists its instances go first.
        answer(observer, () -> {
            if (request.getRecreateIfExists()) {
                client().deleteTaskHub();
            }
            return CreateTaskHubResponse.getDefaultInstance();
        });
    }

    @Override
    public void deleteTaskHub(DeleteTaskHubRequest request, StreamObserver<DeleteTaskHubResponse> observer) {
        answer(observer, () -> {
            client().deleteTaskHub();
            return DeleteTaskHubResponse.getDefaultInstance();
        });
    }
}
