package io.taskhub.cli.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.InstanceQuery;
import io.taskhub.ports.model.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.runtime.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Management straight on the configured backend, through the engine's client (no server needed). */
public final class DirectManagement implements Management {
    private static final Duration PURGE_BUDGET = Duration.ofSeconds(20);

    private final Deployment deployment;
    private final TaskhubClient client;

    public DirectManagement(Deployment deployment, String taskHub) {
        this.deployment = deployment;
        this.client = deployment.clients().forTaskHub(taskHub);
    }

    @Override
    public String describe() {
        return deployment.backend().name() + " (task hub " + client.taskHub() + ")";
    }

    @Override
    public String startNew(String name, String inputJson, String instanceId, Instant startAt) {
        return client.startNew(StartInstanceRequest.of(name, inputJson).withInstanceId(instanceId)
                .withStartAt(startAt));
    }

    @Override
    public Optional<JsonNode> status(String instanceId, boolean showHistory, boolean showHistoryOutput,
            boolean showInput) {
        Optional<InstanceStatus> status = client.getStatus(instanceId,
                new StatusOptions(showHistory, showHistoryOutput, showInput));
        return status.map(s -> StatusDocuments.status(s.metadata(), s.history(), showHistoryOutput, showInput));
    }

    @Override
    public InstancePageView list(InstanceFilter filter, int top, String continuationToken) {
        InstancePage page = client.list(InstanceQuery.builder().createdFrom(filter.createdFrom())
                .createdTo(filter.createdTo()).lastUpdatedFrom(filter.lastUpdatedFrom())
                .lastUpdatedTo(filter.lastUpdatedTo()).statuses(filter.statuses())
                .instanceIdPrefix(filter.instanceIdPrefix()).name(filter.name())
                .fetchInputsAndOutputs(true).pageSize(top).continuationToken(continuationToken).build());
        return new InstancePageView(page.instances().stream()
                .map(m -> (JsonNode) StatusDocuments.status(m, null, false, filter.showInput())).toList(),
                page.continuationToken());
    }

    @Override
    public void raiseEvent(String instanceId, String eventName, String payloadJson) {
        client.raiseEvent(instanceId, eventName, payloadJson);
    }

    @Override
    public void terminate(String instanceId, String reason, boolean recursive) {
        client.terminate(instanceId, reason, recursive);
    }

    @Override
    public void suspend(String instanceId, String reason) {
        client.suspend(instanceId, reason);
    }

    @Override
    public void resume(String instanceId, String reason) {
        client.resume(instanceId, reason);
    }

    @Override
    public void rewind(String instanceId, String reason) {
        client.rewind(instanceId, reason);
    }

    @Override
    public String restart(String instanceId, boolean newInstanceId) {
        return client.restart(instanceId, newInstanceId);
    }

    @Override
    public JsonNode purge(String instanceId, boolean recursive) {
        return deleted(client.purge(instanceId, recursive), false);
    }

    @Override
    public JsonNode purgeBy(Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses) {
        return deleted(client.purge(new PurgeFilter(createdFrom, createdTo, statuses), PURGE_BUDGET), true);
    }

    private static JsonNode deleted(PurgeResult result, boolean withCompleteness) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("instancesDeleted", result.deletedInstanceCount());
        if (withCompleteness) {
            node.put("isComplete", result.isComplete());
        }
        return node;
    }

    @Override
    public Optional<JsonNode> waitForCompletion(String instanceId, Duration timeout) {
        Optional<InstanceMetadata> latest = client.waitForCompletion(instanceId, timeout);
        return latest.map(m -> StatusDocuments.status(m, null, false, true));
    }

    @Override
    public JsonNode startBatch(List<JsonNode> startMessages) {
        List<StartInstanceRequest> requests = startMessages.stream().map(StatusDocuments::startRequest).toList();
        return StatusDocuments.startOutcomes(client.startNewBatch(requests, false));
    }

    @Override
    public JsonNode functions() {
        return StatusDocuments.functions(deployment.functions());
    }

    @Override
    public void deleteTaskHub() {
        client.deleteTaskHub();
    }

    @Override
    public void close() {
        deployment.close();
    }
}
