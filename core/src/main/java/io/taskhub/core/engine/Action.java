package io.taskhub.core.engine;

import io.taskhub.ports.history.EventSent;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCreated;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import java.time.Instant;

/**
 * Something orchestrator code asked for during a step. Each action has the sequence number the orchestrator
 * gave it; on replay it must match the event history recorded for that number.
 */
sealed interface Action {
    int id();

    /** The history event that records this action. */
    HistoryEvent toEvent(Instant now);

    /** Whether a recorded event is this action (same kind, same target); used to detect non-determinism. */
    boolean matches(HistoryEvent recorded);

    /** A human description for non-determinism errors. */
    String describe();

    record ScheduleTask(int id, String name, String input) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new TaskScheduled(now, id, name, input);
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof TaskScheduled t && t.name().equalsIgnoreCase(name);
        }

        public String describe() {
            return "activity '" + name + "'";
        }
    }

    record CreateTimer(int id, Instant fireAt) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new TimerCreated(now, id, fireAt);
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof TimerCreated;
        }

        public String describe() {
            return "a timer";
        }
    }

    record CreateSubOrchestration(int id, String name, String instanceId, String input) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new SubOrchestrationCreated(now, id, name, instanceId, input);
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof SubOrchestrationCreated s && s.name().equalsIgnoreCase(name);
        }

        public String describe() {
            return "sub-orchestration '" + name + "'";
        }
    }

    record SendEvent(int id, String instanceId, String name, String input) implements Action {
        public HistoryEvent toEvent(Instant now) {
            return new EventSent(now, id, instanceId, name, input);
        }

        public boolean matches(HistoryEvent recorded) {
            return recorded instanceof EventSent e && e.name().equals(name) && e.instanceId().equals(instanceId);
        }

        public String describe() {
            return "event '" + name + "' to '" + instanceId + "'";
        }
    }

    /** The description of a recorded scheduling event, for non-determinism errors. */
    static String describeRecorded(HistoryEvent recorded) {
        if (recorded instanceof TaskScheduled t) {
            return "activity '" + t.name() + "'";
        } else if (recorded instanceof SubOrchestrationCreated s) {
            return "sub-orchestration '" + s.name() + "'";
        } else if (recorded instanceof EventSent e) {
            return "event '" + e.name() + "' to '" + e.instanceId() + "'";
        }
        return "a timer";
    }
}
