package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "raise-event", description = "Send an external event to an instance.",
        footer = {"%nExamples:", "  taskhub raise-event --id 5f1c… --event-name ApprovalEvent --event-data '{\"approved\":true}'",
            "  taskhub raise-event --id 5f1c… --event-name ApprovalEvent --event-data @answer.json"})
public final class RaiseEventCommand extends ManagementCommand {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The instance to send the event to.")
    String id;
    @Option(names = {"-e", "--event-name"}, required = true, paramLabel = "NAME",
            description = "The event's name, as the orchestration waits for it (case-insensitive).") String eventName;
    @Option(names = {"-d", "--event-data"}, paramLabel = "JSON|@FILE", description = "Payload (default: null).")
    String eventData;

    @Override
    protected int run(Connection connection, Printer printer) {
        connection.client().raiseEvent(id, eventName, jsonArgument(eventData, "--event-data"));
        printer.line("Raised event " + eventName + " to " + id + ".");
        return ExitCodes.SUCCESS;
    }
}
