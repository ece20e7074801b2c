package io.taskhub.cli.commands;

import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete-task-hub", description = "Delete every instance, message and history of the task hub.",
        footer = {"%nExample:", "  taskhub delete-task-hub --taskhub Staging --yes"})
public final class DeleteTaskHubCommand extends ManagementCommand {
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;

    @Override
    protected int run(Management management, Printer printer) throws Exception {
        if (!confirmed(yes, "Delete everything in " + management.describe() + "?", printer)) {
            return notConfirmed(printer);
        }
        management.deleteTaskHub();
        printer.line("Deleted the task hub's data.");
        return ExitCodes.SUCCESS;
    }
}
