package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.errors.InvalidArgumentException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete-task-hub", description = "Delete every instance, message and history of the task hub.",
        footer = {"%nExample:", "  taskhub delete-task-hub --taskhub Staging --yes"})
public final class DeleteTaskHubCommand extends ManagementCommand {
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;

    @Override
    protected int run(Connection connection, Printer printer) throws Exception {
        if (connection.isRemote()) {
            throw new InvalidArgumentException("delete-task-hub works on the backend directly: run it without"
                    + " --endpoint, with the server's backend settings.");
        }
        if (!confirmed(yes, "Delete everything in " + connection.describe() + "?", printer)) {
            return notConfirmed(printer);
        }
        connection.client().deleteTaskHub();
        printer.line("Deleted the task hub's data.");
        return ExitCodes.SUCCESS;
    }
}
