package io.taskhub.cli.commands;

import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The list filters, shared by the commands that select instances by them (get-instances, bulk). */
public final class FilterOptions {
    @Option(names = "--created-after", paramLabel = "INSTANT",
            description = "Only instances created at or after this ISO-8601 time.") String createdAfter;
    @Option(names = "--created-before", paramLabel = "INSTANT",
            description = "Only instances created at or before this ISO-8601 time.") String createdBefore;
    @Option(names = "--updated-after", paramLabel = "INSTANT",
            description = "Only instances last updated at or after this ISO-8601 time.") String updatedAfter;
    @Option(names = "--updated-before", paramLabel = "INSTANT",
            description = "Only instances last updated at or before this ISO-8601 time.") String updatedBefore;

    @Option(names = "--runtime-status", split = ",", paramLabel = "STATUS",
            description = "One or more of Pending, Running, Suspended, Completed, Failed, Terminated, ContinuedAsNew.")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--id-prefix", paramLabel = "PREFIX", description = "Only instances whose id starts with this.")
    String idPrefix;
    @Option(names = "--name", paramLabel = "NAME", description = "Orchestrator name.") String name;

    /** The filters given, checked; a bad value is a usage error naming its option. */
    InstanceQuery.Builder query(CommandSpec spec) {
        // An empty value (an unset shell variable, say) would match everything: refused, not ignored.
        requireText(spec, idPrefix, "--id-prefix");
        requireText(spec, name, "--name");
        return InstanceQuery.builder().createdFrom(ManagementCommand.instant(spec, createdAfter, "--created-after"))
                .createdTo(ManagementCommand.instant(spec, createdBefore, "--created-before"))
                .lastUpdatedFrom(ManagementCommand.instant(spec, updatedAfter, "--updated-after"))
                .lastUpdatedTo(ManagementCommand.instant(spec, updatedBefore, "--updated-before")).statuses(statuses(spec))
                .instanceIdPrefix(idPrefix).name(name);
    }

    /** Whether any filter was given (a bulk job over a whole task hub is confirmed as such). */
    boolean any() {
        return createdAfter != null || createdBefore != null || updatedAfter != null || updatedBefore != null
                || !statuses.isEmpty() || idPrefix != null || name != null;
    }

    private static void requireText(CommandSpec spec, String value, String option) {
        if (value != null && value.isBlank()) {
            throw new ParameterException(spec.commandLine(), option + " is empty: give a value or leave it out.");
        }
    }

    private Set<RuntimeStatus> statuses(CommandSpec spec) {
        Set<RuntimeStatus> parsed = EnumSet.noneOf(RuntimeStatus.class);
        for (String status : statuses) {
            parsed.add(RuntimeStatus.parse(status).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--runtime-status: unknown status '" + status + "'; use " + List.of(RuntimeStatus.values()) + ".")));
        }
        return parsed;
    }
}
