package io.taskhub.cli.benchmark;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's CPU time and the JIT compiler's working time so far, in milliseconds (NaN where the JVM does not
 * tell); two readings give what a part of the run cost.
 */
record ProcessCost(double cpuMillis, double jitMillis) {
    static ProcessCost now() {
        double cpu = Double.NaN;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean detailed && detailed.getProcessCpuTime() >= 0) {
            cpu = detailed.getProcessCpuTime() / 1e6;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        double compiling = jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime() : Double.NaN;
        return new ProcessCost(cpu, compiling);
    }

    ProcessCost since(ProcessCost earlier) {
        return new ProcessCost(cpuMillis - earlier.cpuMillis, jitMillis - earlier.jitMillis);
    }
}
