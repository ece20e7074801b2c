package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list-functions", description = "List the orchestrators and activities registered, and from where.",
        footer = {"%nExamples:", "  taskhub list-functions --plugins ./plugins",
            "  taskhub list-functions --endpoint http://127.0.0.1:7071 -o json"})
public final class ListFunctionsCommand extends ManagementCommand {
    @Override
    protected int run(Management management, Printer printer) {
        JsonNode functions = management.functions();
        if (printer.isJson()) {
            printer.json(functions);
            return ExitCodes.SUCCESS;
        }
        List<List<String>> rows = new ArrayList<>();
        for (String kind : List.of("orchestrators", "activities")) {
            for (JsonNode function : functions.path(kind)) {
                rows.add(List.of(kind.equals("orchestrators") ? "orchestrator" : "activity",
                        function.path("name").asText(), function.path("source").asText("")));
            }
        }
        printer.table(List.of("KIND", "NAME", "SOURCE"), rows);
        return ExitCodes.SUCCESS;
    }
}
