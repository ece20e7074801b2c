package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "suspend", description = "Suspend a running instance; events are held until it resumes.",
        footer = {"%nExample:", "  taskhub suspend --id 5f1c… --reason 'maintenance'"})
public final class SuspendCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to suspend.")
    String id;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the instance's history.")
    String reason;

    @Override
    protected int run(Connection connection, Printer printer) {
        connection.client().suspend(id, reason);
        printer.line("Suspend of " + id + " requested.");
        return ExitCodes.SUCCESS;
    }
}
