package io.taskhub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskhub.ports.history.ContinueAsNew;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.FailureDetails;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code historyEvents} as Durable Functions shows them: PascalCase objects with a string {@code EventType}
 * first and {@code Timestamp} (full precision) last. Orchestrator step markers are left out; a scheduled task or
 * sub-orchestration is merged into its completion as {@code FunctionName} and {@code ScheduledTime} (one that has
 * not finished yet is shown as scheduled). {@code Result} appears only with showHistoryOutput, {@code Input} only
 * with showInput. Failures show type and message, never a stack trace.
 */
final class HistoryJson {
    private HistoryJson() {
    }

    static ArrayNode render(List<HistoryEvent> history, boolean showHistoryOutput, boolean showInput) {
        Map<Integer, TaskScheduled> tasks = new HashMap<>();
        Map<Integer, SubOrchestrationCreated> children = new HashMap<>();
        Set<Integer> finishedTasks = new HashSet<>();
        Set<Integer> finishedChildren = new HashSet<>();
        for (HistoryEvent event : history) {
            if (event instanceof TaskScheduled e) {
                tasks.put(e.taskId(), e);
            } else if (event instanceof TaskCompleted e) {
                finishedTasks.add(e.taskId());
            } else if (event instanceof TaskFailed e) {
                finishedTasks.add(e.taskId());
            } else if (event instanceof SubOrchestrationCreated e) {
                children.put(e.taskId(), e);
            } else if (event instanceof SubOrchestrationCompleted e) {
                finishedChildren.add(e.taskId());
            } else if (event instanceof SubOrchestrationFailed e) {
                finishedChildren.add(e.taskId());
            }
        }
        Renderer r = new Renderer(showHistoryOutput, showInput, tasks, children);
        ArrayNode out = Json.array();
        for (HistoryEvent event : history) {
            if (event instanceof OrchestratorStarted || event instanceof OrchestratorCompleted
                    || (event instanceof TaskScheduled t && finishedTasks.contains(t.taskId()))
                    || (event instanceof SubOrchestrationCreated c && finishedChildren.contains(c.taskId()))) {
                continue;
            }
            out.add(r.render(event));
        }
        return out;
    }

    private record Renderer(boolean showOutput, boolean showInput, Map<Integer, TaskScheduled> tasks,
            Map<Integer, SubOrchestrationCreated> children) {

        ObjectNode render(HistoryEvent event) {
            ObjectNode node = Json.object();
            node.put("EventType", event.eventType());
            if (event instanceof ExecutionStarted e) {
                node.put("FunctionName", e.name());
                input(node, e.input());
                if (e.scheduledStartAt() != null) {
                    node.put("ScheduledStartTime", e.scheduledStartAt().toString());
                }
            } else if (event instanceof ExecutionCompleted e) {
                node.put("OrchestrationStatus", e.status().name());
                result(node, e.result());
                failure(node, e.failure());
            } else if (event instanceof ExecutionTerminated e) {
                input(node, e.reason() == null ? null : TextNode.valueOf(e.reason()));
            } else if (event instanceof ExecutionSuspended e) {
                node.put("Reason", e.reason());
            } else if (event instanceof ExecutionResumed e) {
                node.put("Reason", e.reason());
            } else if (event instanceof ExecutionRewound e) {
                node.put("Reason", e.reason());
            } else if (event instanceof ContinueAsNew e) {
                input(node, e.input());
            } else if (event instanceof TaskScheduled e) {
                node.put("FunctionName", e.name());
                input(node, e.input());
            } else if (event instanceof TaskCompleted e) {
                scheduled(node, tasks.get(e.taskId()));
                result(node, e.result());
            } else if (event instanceof TaskFailed e) {
                scheduled(node, tasks.get(e.taskId()));
                failure(node, e.failure());
            } else if (event instanceof SubOrchestrationCreated e) {
                node.put("FunctionName", e.name());
                node.put("InstanceId", e.instanceId());
                input(node, e.input());
            } else if (event instanceof SubOrchestrationCompleted e) {
                child(node, children.get(e.taskId()));
                result(node, e.result());
            } else if (event instanceof SubOrchestrationFailed e) {
                child(node, children.get(e.taskId()));
                failure(node, e.failure());
            } else if (event instanceof TimerCreated e) {
                node.put("FireAt", e.fireAt().toString());
            } else if (event instanceof TimerFired e) {
                node.put("FireAt", e.fireAt().toString());
            } else if (event instanceof EventRaised e) {
                node.put("Name", e.name());
                input(node, e.input());
            } else if (event instanceof EventSent e) {
                node.put("Name", e.name());
                node.put("InstanceId", e.instanceId());
                input(node, e.input());
            }
            node.put("Timestamp", timestamp(event.timestamp()));
            return node;
        }

        private void scheduled(ObjectNode node, TaskScheduled scheduled) {
            if (scheduled != null) {
                node.put("FunctionName", scheduled.name());
                node.put("ScheduledTime", timestamp(scheduled.timestamp()));
            }
        }

        private void child(ObjectNode node, SubOrchestrationCreated created) {
            if (created != null) {
                node.put("FunctionName", created.name());
                node.put("InstanceId", created.instanceId());
                node.put("ScheduledTime", timestamp(created.timestamp()));
            }
        }

        private void input(ObjectNode node, String json) {
            if (showInput) {
                node.set("Input", Json.value(json));
            }
        }

        private void input(ObjectNode node, JsonNode value) {
            if (showInput) {
                node.set("Input", value == null ? Json.value(null) : value);
            }
        }

        private void result(ObjectNode node, String json) {
            if (showOutput) {
                node.set("Result", Json.value(json));
            }
        }

        private static void failure(ObjectNode node, FailureDetails failure) {
            if (failure == null) {
                return;
            }
            node.put("Reason", failure.errorMessage());
            ObjectNode details = node.putObject("FailureDetails");
            details.put("ErrorType", failure.errorType());
            details.put("ErrorMessage", failure.errorMessage());
        }

        private static String timestamp(Instant instant) {
            return instant.toString();
        }
    }
}
