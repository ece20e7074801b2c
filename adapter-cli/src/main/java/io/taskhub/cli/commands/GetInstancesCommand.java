package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.InstanceFilter;
import io.taskhub.cli.management.InstancePageView;
import io.taskhub.cli.management.Management;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.output.Views;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "get-instances", description = "List instances, filtered and paged.",
        footer = {"%nExamples:",
            "  taskhub get-instances",
            "  taskhub get-instances --runtime-status Running,Pending --top 20",
            "  taskhub get-instances --created-after 2026-11-01T00:00:00Z --id-prefix order- --all -o json",
            "  taskhub get-instances --continuation-token <token from the previous page>"})
public final class GetInstancesCommand extends ManagementCommand {
    @Option(names = "--created-after", paramLabel = "INSTANT") String createdAfter;
    @Option(names = "--created-before", paramLabel = "INSTANT") String createdBefore;
    @Option(names = "--updated-after", paramLabel = "INSTANT") String updatedAfter;
    @Option(names = "--updated-before", paramLabel = "INSTANT") String updatedBefore;

    @Option(names = "--runtime-status", split = ",", paramLabel = "STATUS",
            description = "One or more of Pending, Running, Suspended, Completed, Failed, Terminated, ContinuedAsNew.")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--id-prefix", paramLabel = "PREFIX") String idPrefix;
    @Option(names = "--name", paramLabel = "NAME", description = "Orchestrator name.") String name;

    @Option(names = "--top", defaultValue = "100", paramLabel = "N", description = "Page size (1 to 1000, default 100).")
    int top;

    @Option(names = "--continuation-token", paramLabel = "TOKEN", description = "Continue after a previous page.")
    String continuationToken;

    @Option(names = "--all", description = "Fetch every page.")
    boolean all;

    @Option(names = "--show-input", description = "Include inputs (JSON output).")
    boolean showInput;

    @Override
    protected int run(Management management, Printer printer) {
        if (top < 1 || top > 1000) {
            throw new ParameterException(spec.commandLine(), "--top must be between 1 and 1000, was " + top + ".");
        }
        InstanceFilter filter = new InstanceFilter(instant(createdAfter, "--created-after"),
                instant(createdBefore, "--created-before"), instant(updatedAfter, "--updated-after"),
                instant(updatedBefore, "--updated-before"), statuses(), idPrefix, name, showInput);
        List<JsonNode> instances = new ArrayList<>();
        InstancePageView page = management.list(filter, top, continuationToken);
        instances.addAll(page.instances());
        while (all && page.continuationToken() != null) {
            page = management.list(filter, top, page.continuationToken());
            instances.addAll(page.instances());
        }
        if (printer.isJson()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.putArray("instances").addAll(instances);
            result.put("continuationToken", page.continuationToken());
            printer.json(result);
        } else {
            Views.instances(printer, instances);
            printer.line(instances.size() + " instance(s).");
            if (page.continuationToken() != null) {
                printer.line("More: --continuation-token " + page.continuationToken());
            }
        }
        return ExitCodes.SUCCESS;
    }

    private Set<RuntimeStatus> statuses() {
        Set<RuntimeStatus> parsed = EnumSet.noneOf(RuntimeStatus.class);
        for (String status : statuses) {
            parsed.add(RuntimeStatus.parse(status).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--runtime-status: unknown status '" + status + "'; use " + List.of(RuntimeStatus.values()) + ".")));
        }
        return parsed;
    }
}
