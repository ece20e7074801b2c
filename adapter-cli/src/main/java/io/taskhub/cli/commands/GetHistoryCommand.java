package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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

@Command(name = "get-history", description = "Show the history of an instance's current execution.",
        footer = {"%nExamples:", "  taskhub get-history --id order-7", "  taskhub get-history --id order-7 --show-output -o json"})
public final class GetHistoryCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "Instance id.")
    String id;

    @Option(names = "--show-output", description = "Include activity and sub-orchestration results.")
    boolean showOutput;

    @Override
    protected int run(Connection connection, Printer printer) {
        InstanceStatus found = connection.client().getStatus(id, new StatusOptions(true, showOutput, true))
                .orElseThrow(() -> new InstanceNotFoundException(id));
        JsonNode status = StatusDocuments.status(found.metadata(), found.history(), showOutput, true);
        JsonNode events = status.has("historyEvents") ? status.get("historyEvents")
                : JsonNodeFactory.instance.arrayNode();
        if (printer.isJson()) {
            printer.json(events);
        } else {
            Views.history(printer, events);
        }
        return ExitCodes.SUCCESS;
    }
}
