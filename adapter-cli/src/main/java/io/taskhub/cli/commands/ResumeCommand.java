package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "resume", description = "Resume a suspended instance.",
        footer = {"%nExample:", "  taskhub resume --id 5f1c… --reason 'maintenance'"})
public final class ResumeCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to resume.")
    String id;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the instance's history.")
    String reason;

    @Override
    protected int run(Connection connection, Printer printer) {
        connection.client().resume(id, reason);
        printer.line("Resume of " + id + " requested.");
        return ExitCodes.SUCCESS;
    }
}
