package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.client.FunctionCatalog;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list-functions", description = "List the orchestrators and activities registered, and from where.",
        footer = {"%nExamples:", "  taskhub list-functions --plugins ./plugins",
            "  taskhub list-functions --endpoint http://127.0.0.1:7071 -o json"})
public final class ListFunctionsCommand extends ManagementCommand {
    @Override
    protected int run(Connection connection, Printer printer) {
        List<FunctionCatalog.Function> functions = connection.functions().functions();
        if (printer.isJson()) {
            printer.json(StatusDocuments.functions(functions));
            return ExitCodes.SUCCESS;
        }
        List<List<String>> rows = new ArrayList<>();
        for (FunctionCatalog.Kind kind : FunctionCatalog.Kind.values()) {
            for (FunctionCatalog.Function function : functions) {
                if (function.kind() == kind) {
                    rows.add(List.of(kind == FunctionCatalog.Kind.ORCHESTRATOR ? "orchestrator" : "activity",
                            function.name(), function.source() == null ? "" : function.source()));
                }
            }
        }
        printer.table(List.of("KIND", "NAME", "SOURCE"), rows);
        return ExitCodes.SUCCESS;
    }
}
