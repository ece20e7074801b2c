package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.StartOutcome;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.store.NameFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "start-new", description = "Start an orchestration instance.",
        footer = {"%nExamples:",
            "  taskhub start-new --function-name E1_HelloSequence",
            "  taskhub start-new -n FanOutFanIn --input '{\"count\": 10}' --id batch-42",
            "  taskhub start-new -n Approval --input @approval.json --start-at 2026-12-01T09:00:00Z",
            "  taskhub start-new --from-file starts.json     (start messages: a JSON array, or one per line)"})
public final class StartNewCommand extends ManagementCommand {
    @Option(names = {"-n", "--function-name"}, paramLabel = "NAME",
            description = "Orchestrator name (required unless --from-file).")
    String name;

    @Option(names = "--from-file", paramLabel = "FILE", description = "Start messages {\"FunctionName\", \"Input\","
            + " \"InstanceId\"} to start as one batch (all or nothing): a JSON array, or one JSON object per line.")
    Path fromFile;

    @Option(names = "--input", paramLabel = "JSON|@FILE", description = "Input as JSON, or @file.json.")
    String input;

    @Option(names = "--id", paramLabel = "ID", description = "Instance id (default: a new 32-hex id).")
    String id;

    @Option(names = "--start-at", paramLabel = "INSTANT", description = "Start no earlier than this ISO-8601 time.")
    String startAt;

    @Override
    protected int run(Connection connection, Printer printer) {
        if ((name == null) == (fromFile == null)) {
            throw new InvalidArgumentException("Give either --function-name or --from-file.");
        }
        if (fromFile != null) {
            return startBatch(connection, printer);
        }
        String started;
        try {
            started = connection.client().startNew(StartInstanceRequest.of(name, jsonArgument(input, "--input"))
                    .withInstanceId(id).withStartAt(instant(startAt, "--start-at")));
        } catch (InvalidArgumentException e) {
            throw unknownHere(connection) ? new InvalidArgumentException(e.getMessage() + " An orchestrator from a"
                    + " plugin: load its jar here with --plugins DIR, or send the start to the server that runs it"
                    + " with --endpoint URL.", e) : e;
        }
        if (printer.isJson()) {
            printer.json(JsonNodeFactory.instance.objectNode().put("id", started));
        } else {
            printer.line("Started instance " + started + " of " + name + ".");
        }
        return ExitCodes.SUCCESS;
    }

    /** Direct mode, and neither this process nor any running worker has the orchestrator. */
    private boolean unknownHere(Connection connection) {
        if (connection.isRemote()) {
            return false;
        }
        NameFilter wanted = NameFilter.only(List.of(name));
        return connection.functions().functions().stream().noneMatch(f -> f.kind() == FunctionCatalog.Kind.ORCHESTRATOR
                && wanted.accepts(f.name())) && connection.client().liveWorkers().stream()
                .noneMatch(w -> w.runsOrchestrator(name));
    }

    private int startBatch(Connection connection, Printer printer) {
        List<StartInstanceRequest> requests = StartMessages.read(fromFile).stream()
                .map(StatusDocuments::startRequest).toList();
        List<StartOutcome> outcomes = connection.client().startNewBatch(requests, false);
        if (printer.isJson()) {
            printer.json(StatusDocuments.startOutcomes(outcomes));
        } else {
            List<List<String>> rows = new ArrayList<>();
            outcomes.forEach(o -> rows.add(List.of(String.valueOf(o.index()), o.instanceId())));
            printer.table(List.of("ITEM", "INSTANCE"), rows);
            printer.line("Started " + outcomes.size() + " instances.");
        }
        return ExitCodes.SUCCESS;
    }
}
