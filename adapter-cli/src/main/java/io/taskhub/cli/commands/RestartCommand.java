package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restart", description = "Start an instance's orchestrator again with the same input.",
        footer = {"%nExamples:", "  taskhub restart --id 5f1c…            (under a new id)",
            "  taskhub restart --id order-7 --same-id (replaces the finished instance)"})
public final class RestartCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to start again.")
    String id;
    @Option(names = "--same-id", description = "Reuse the instance id (the instance must have finished).")
    boolean sameId;

    @Override
    protected int run(Connection connection, Printer printer) {
        String started = connection.client().restart(id, !sameId);
        if (printer.isJson()) {
            printer.json(JsonNodeFactory.instance.objectNode().put("id", started));
        } else {
            printer.line("Restarted " + id + " as " + started + ".");
        }
        return ExitCodes.SUCCESS;
    }
}
