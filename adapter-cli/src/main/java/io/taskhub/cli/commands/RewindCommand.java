package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rewind", description = "Rewind a failed instance: re-run what failed, keep every success.",
        footer = {"%nExample:", "  taskhub rewind --id 5f1c… --reason 'maintenance'"})
public final class RewindCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to rewind (it must have Failed).")
    String id;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the instance's history.")
    String reason;

    @Override
    protected int run(Connection connection, Printer printer) {
        connection.client().rewind(id, reason);
        printer.line("Rewind of " + id + " requested.");
        return ExitCodes.SUCCESS;
    }
}
