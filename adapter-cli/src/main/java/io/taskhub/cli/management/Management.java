package io.taskhub.cli.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the management commands need, answered either directly from the configured backend or by a running
 * server over its HTTP API. Both answer with the Durable Functions JSON documents, so the commands print the
 * same thing in both modes, and both report failures with the ports' exception vocabulary.
 */
public interface Management extends AutoCloseable {
    /** Where the commands are talking to, for messages ("sqlite .taskhub/taskhub.db", a URL). */
    String describe();

    String startNew(String name, String inputJson, String instanceId, Instant startAt);

    /** Start messages, all or nothing: the outcome per item as {@code [{"index","id"},…]}. */
    JsonNode startBatch(List<JsonNode> startMessages);

    Optional<JsonNode> status(String instanceId, boolean showHistory, boolean showHistoryOutput, boolean showInput);

    InstancePageView list(InstanceFilter filter, int top, String continuationToken);

    void raiseEvent(String instanceId, String eventName, String payloadJson);

    void terminate(String instanceId, String reason, boolean recursive);

    void suspend(String instanceId, String reason);

    void resume(String instanceId, String reason);

    void rewind(String instanceId, String reason);

    String restart(String instanceId, boolean newInstanceId);

    /** {@code {"instancesDeleted":N}}. */
    JsonNode purge(String instanceId, boolean recursive);

    /** {@code {"instancesDeleted":N,"isComplete":B}}; call again while not complete. */
    JsonNode purgeBy(Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses);

    /** The status once terminal or when {@code timeout} passes (then still running); empty when missing. */
    Optional<JsonNode> waitForCompletion(String instanceId, Duration timeout);

    void deleteTaskHub();

    /** {@code {"orchestrators":[{"name","source"}],"activities":[…]}}: what the deployment runs. */
    JsonNode functions();

    @Override
    void close();
}
