package io.taskhub.samples;

import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;

/** Registers every sample orchestration and activity; found through {@link java.util.ServiceLoader}. */
public final class SamplesPlugin implements TaskhubPlugin {
    @Override
    public void register(TaskRegistry registry) {
        HelloSequence.register(registry);
        FanOutFanIn.register(registry);
        Approval.register(registry);
        Monitor.register(registry);
        RewindDemo.register(registry);
        ParentWithChild.register(registry);
        SendInstanceInfo.register(registry);
    }
}
