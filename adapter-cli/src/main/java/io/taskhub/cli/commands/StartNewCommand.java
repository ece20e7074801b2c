package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "start-new", description = "Start an orchestration instance.",
        footer = {"%nExamples:",
            "  taskhub start-new --function-name E1_HelloSequence",
            "  taskhub start-new -n FanOutFanIn --input '{\"count\": 10}' --id batch-42",
            "  taskhub start-new -n Approval --input @approval.json --start-at 2026-12-01T09:00:00Z"})
public final class StartNewCommand extends ManagementCommand {
    @Option(names = {"-n", "--function-name"}, required = true, paramLabel = "NAME", description = "Orchestrator name.")
    String name;

    @Option(names = "--input", paramLabel = "JSON|@FILE", description = "Input as JSON, or @file.json.")
    String input;

    @Option(names = "--id", paramLabel = "ID", description = "Instance id (default: a new 32-hex id).")
    String id;

    @Option(names = "--start-at", paramLabel = "INSTANT", description = "Start no earlier than this ISO-8601 time.")
    String startAt;

    @Override
    protected int run(Management management, Printer printer) {
        String started = management.startNew(name, jsonArgument(input, "--input"), id, instant(startAt, "--start-at"));
        if (printer.isJson()) {
            printer.json(JsonNodeFactory.instance.objectNode().put("id", started));
        } else {
            printer.line("Started instance " + started + " of " + name + ".");
        }
        return ExitCodes.SUCCESS;
    }
}
