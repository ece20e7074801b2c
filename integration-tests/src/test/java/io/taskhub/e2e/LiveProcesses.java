package io.taskhub.e2e;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the tests started that has not ended yet. Tests stop their own processes; this is the net
 * under them: whatever is left when the test JVM exits (a failed or interrupted run) is killed.
 */
final class LiveProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LiveProcesses::killAll, "e2e-process-reaper"));
    }

    private LiveProcesses() {
    }

    static Process track(Process process) {
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return process;
    }

    static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
    }
}
