package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.http.StatusDocuments;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "get-instances", description = "List instances, filtered and paged.",
        footer = {"%nExamples:",
            "  taskhub get-instances",
            "  taskhub get-instances --runtime-status Running,Pending --top 20",
            "  taskhub get-instances --created-after 2026-11-01T00:00:00Z --id-prefix order- --all -o json",
            "  taskhub get-instances --continuation-token <token from the previous page>"})
public final class GetInstancesCommand extends ManagementCommand {
    @Mixin
    FilterOptions filters;

    @Option(names = "--top", defaultValue = "100", paramLabel = "N", description = "Page size (1 to 1000, default 100).")
    int top;

    @Option(names = "--continuation-token", paramLabel = "TOKEN", description = "Continue after a previous page.")
    String continuationToken;

    @Option(names = "--all", description = "Fetch every page.")
    boolean all;

    @Option(names = "--show-input", description = "Include inputs (JSON output).")
    boolean showInput;

    @Override
    protected int run(Connection connection, Printer printer) {
        if (top < 1 || top > 1000) {
            throw new ParameterException(spec.commandLine(), "--top must be between 1 and 1000, was " + top + ".");
        }
        InstanceQuery.Builder query = filters.query(spec).fetchInputsAndOutputs(true).pageSize(top);
        List<JsonNode> instances = new ArrayList<>();
        InstancePage page = connection.client().list(query.continuationToken(continuationToken).build());
        page.instances().forEach(m -> instances.add(StatusDocuments.status(m, null, false, showInput)));
        while (all && nextToken(page) != null) {
            page = connection.client().list(query.continuationToken(nextToken(page)).build());
            page.instances().forEach(m -> instances.add(StatusDocuments.status(m, null, false, showInput)));
        }
        if (printer.isJson()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.putArray("instances").addAll(instances);
            result.put("continuationToken", nextToken(page));
            printer.json(result);
        } else {
            Views.instances(printer, instances);
            printer.line(instances.size() + " instance(s).");
            if (nextToken(page) != null) {
                printer.line("More: --continuation-token " + nextToken(page));
            }
        }
        return ExitCodes.SUCCESS;
    }

    /** The next page's token, or null on the last page (an empty token means none too). */
    private static String nextToken(InstancePage page) {
        String token = page.continuationToken();
        return token == null || token.isEmpty() ? null : token;
    }
}
