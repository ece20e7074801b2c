package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "wait", description = "Wait until an instance finishes; the exit code tells how it ended.",
        footer = {"%nExit codes: 0 Completed, 1 Failed/Terminated/Canceled, 3 no such instance, 6 still running.",
            "%nExample:", "  taskhub wait --id 5f1c… --timeout 120"})
public final class WaitCommand extends ManagementCommand {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Option(names = "--id", required = true, paramLabel = "ID") String id;
    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Default 60.")
    double timeoutSeconds;

    @Override
    protected int run(Management management, Printer printer) {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        JsonNode status;
        while (true) {
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(PROGRESS_EVERY.toNanos(), deadline - System.nanoTime())));
            status = management.waitForCompletion(id, slice).orElseThrow(() -> new InstanceNotFoundException(id));
            if (isTerminal(status) || System.nanoTime() >= deadline) {
                break;
            }
            printer.progress("Waiting for " + id + " (" + status.path("runtimeStatus").asText() + ")...");
        }
        if (printer.isJson()) {
            printer.json(status);
        } else {
            Views.status(printer, status);
        }
        RuntimeStatus finalStatus = RuntimeStatus.parse(status.path("runtimeStatus").asText()).orElseThrow();
        if (!finalStatus.isTerminal()) {
            printer.progress("Timed out after " + timeoutSeconds + " s; the instance is still " + finalStatus + ".");
            return ExitCodes.TIMED_OUT;
        }
        return finalStatus == RuntimeStatus.Completed ? ExitCodes.SUCCESS : ExitCodes.FAILURE;
    }

    private static boolean isTerminal(JsonNode status) {
        return RuntimeStatus.parse(status.path("runtimeStatus").asText()).map(RuntimeStatus::isTerminal).orElse(false);
    }
}
