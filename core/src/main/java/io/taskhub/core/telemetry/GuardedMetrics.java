package io.taskhub.core.telemetry;

import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@link EngineMetrics} that never throws: a failure of the metrics is logged once and otherwise ignored. */
final class GuardedMetrics implements EngineMetrics {
    private static final System.Logger LOG = System.getLogger(EngineMetrics.class.getName());

    private final EngineMetrics target;
    private final AtomicBoolean reported = new AtomicBoolean();

    GuardedMetrics(EngineMetrics target) {
        this.target = target;
    }

    private void guard(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            if (reported.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "Recording a metric failed (further failures are not logged): "
                        + e, e);
            }
        }
    }

    @Override
    public void instanceStarted(String name) {
        guard(() -> target.instanceStarted(name));
    }

    @Override
    public void instanceFinished(String name, RuntimeStatus status, Duration sinceCreated) {
        guard(() -> target.instanceFinished(name, status, sinceCreated));
    }

    @Override
    public void stepCommitted(Duration took) {
        guard(() -> target.stepCommitted(took));
    }

    @Override
    public void activityRan(String name, Duration took) {
        guard(() -> target.activityRan(name, took));
    }

    @Override
    public void leaseLost() {
        guard(target::leaseLost);
    }

    @Override
    public void poisoned(String kind) {
        guard(() -> target.poisoned(kind));
    }

    @Override
    public void stepRetried() {
        guard(target::stepRetried);
    }

    @Override
    public void messagesDropped(int count) {
        guard(() -> target.messagesDropped(count));
    }
}
