package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "terminate", description = "Terminate an instance (and, by default, its sub-orchestrations).",
        footer = {"%nExamples:", "  taskhub terminate --id 5f1c… --reason 'wrong input' --yes",
            "  taskhub terminate --id 5f1c… --no-recursive"})
public final class TerminateCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to terminate.")
    String id;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the instance's history.")
    String reason;
    @Option(names = "--recursive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also terminate running sub-orchestrations (default: true).")
    boolean recursive;
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;

    @Override
    protected int run(Connection connection, Printer printer) throws Exception {
        if (!confirmed(yes, "Terminate instance " + id + (recursive ? " and its sub-orchestrations" : "") + "?",
                printer)) {
            return notConfirmed(printer);
        }
        connection.client().terminate(id, reason, recursive);
        printer.line("Termination of " + id + " requested.");
        return ExitCodes.SUCCESS;
    }
}
