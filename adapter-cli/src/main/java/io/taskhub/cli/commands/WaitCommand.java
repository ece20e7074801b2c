package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "wait", description = "Wait until an instance finishes; the exit code tells how it ended.",
        footer = {"%nExit codes: 0 Completed, 1 Failed/Terminated/Canceled, 3 no such instance, 6 still running.",
            "%nExample:", "  taskhub wait --id 5f1c… --timeout 120"})
public final class WaitCommand extends ManagementCommand {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to wait for.")
    String id;
    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Default 60.")
    double timeoutSeconds;

    @Override
    protected int run(Connection connection, Printer printer) {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        InstanceMetadata latest;
        while (true) {
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(PROGRESS_EVERY.toNanos(), deadline - System.nanoTime())));
            latest = connection.client().waitForCompletion(id, slice)
                    .orElseThrow(() -> new InstanceNotFoundException(id));
            if (latest.runtimeStatus().isTerminal() || System.nanoTime() >= deadline) {
                break;
            }
            printer.progress("Waiting for " + id + " (" + latest.runtimeStatus() + ")...");
        }
        JsonNode status = StatusDocuments.status(latest, null, false, true);
        if (printer.isJson()) {
            printer.json(status);
        } else {
            Views.status(printer, status);
        }
        RuntimeStatus finalStatus = latest.runtimeStatus();
        if (!finalStatus.isTerminal()) {
            printer.progress("Timed out after " + timeoutSeconds + " s; the instance is still " + finalStatus + ".");
            return ExitCodes.TIMED_OUT;
        }
        return finalStatus == RuntimeStatus.Completed ? ExitCodes.SUCCESS : ExitCodes.FAILURE;
    }
}
