package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
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
    protected int run(Management management, Printer printer) {
        JsonNode status = management.status(id, false, false, showInput)
                .orElseThrow(() -> new InstanceNotFoundException(id));
        if (printer.isJson()) {
            printer.json(status);
        } else {
            Views.status(printer, status);
        }
        return ExitCodes.SUCCESS;
    }
}
