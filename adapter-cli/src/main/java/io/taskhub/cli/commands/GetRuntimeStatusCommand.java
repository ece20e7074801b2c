package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.InstanceNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "get-runtime-status", description = "Show an instance's status, input and output.",
        footer = {"%nExamples:", "  taskhub get-runtime-status --id 5f1c0e…", "  taskhub get-runtime-status --id order-7 -o json"})
public final class GetRuntimeStatusCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "Instance id.")
    String id;

    @Option(names = "--show-input", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Include the input (default: true).")
    boolean showInput;

    @Override
    protected int run(Connection connection, Printer printer) {
        // With the history, the status also names the awaited activities that no running worker has.
        InstanceStatus found = connection.client().getStatus(id, new StatusOptions(true, false, showInput))
                .orElseThrow(() -> new InstanceNotFoundException(id));
        ObjectNode status = StatusDocuments.status(found.metadata(), null, false, showInput);
        if (!found.withoutWorker().isEmpty()) {
            status.set("withoutWorker", Views.withoutWorker(found.withoutWorker()));
        }
        if (printer.isJson()) {
            printer.json(status);
        } else {
            Views.status(printer, status);
        }
        return ExitCodes.SUCCESS;
    }
}
