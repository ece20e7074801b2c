package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "purge-history", description = "Delete finished instances and their history, by id or by filter.",
        footer = {"%nExamples:", "  taskhub purge-history --id order-7 --yes",
            "  taskhub purge-history --created-after 2026-01-01T00:00:00Z --runtime-status Completed,Failed --yes"})
public final class PurgeHistoryCommand extends ManagementCommand {
    /** How long one purge call may work before it reports progress and the command calls again. */
    private static final Duration PURGE_BUDGET = Duration.ofSeconds(20);

    @Option(names = "--id", paramLabel = "ID", description = "One instance (and its sub-orchestrations).") String id;
    @Option(names = "--recursive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --id: also purge finished sub-orchestrations (default: true).")
    boolean recursive;
    @Option(names = "--created-after", paramLabel = "INSTANT",
            description = "Purge by filter: finished instances created at or after this ISO-8601 time.")
    String createdAfter;
    @Option(names = "--created-before", paramLabel = "INSTANT", description = "With --created-after: created at or before this time (default: now).")
    String createdBefore;
    @Option(names = "--runtime-status", split = ",", paramLabel = "STATUS",
            description = "Completed, Failed, Terminated or Canceled (default: all of them).")
    List<String> statuses = new ArrayList<>();
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;

    @Override
    protected int run(Connection connection, Printer printer) throws Exception {
        if ((id == null) == (createdAfter == null)) {
            throw new ParameterException(spec.commandLine(), "Give either --id or --created-after (a filter).");
        }
        if (id != null) {
            RuntimeStatus status = connection.client().getStatus(id, new StatusOptions(false, false, false))
                    .orElseThrow(() -> new InstanceNotFoundException(id)).metadata().runtimeStatus();
            if (!confirmed(yes, "Purge instance " + id + " (" + status + ")"
                    + (recursive ? " and its finished sub-orchestrations" : "") + "?", printer)) {
                return notConfirmed(printer);
            }
            report(printer, connection.client().purge(id, recursive).deletedInstanceCount());
            return ExitCodes.SUCCESS;
        }
        Instant from = instant(createdAfter, "--created-after");
        Instant to = createdBefore == null ? Instant.now() : instant(createdBefore, "--created-before");
        Set<RuntimeStatus> statuses = statuses();
        if (!yes && !confirmed(false, purgeQuestion(connection, from, to, statuses), printer)) {
            return notConfirmed(printer);
        }
        PurgeFilter filter = statuses.isEmpty() ? PurgeFilter.anyFinishedStatus(from, to)
                : new PurgeFilter(from, to, statuses);
        int total = 0;
        PurgeResult chunk;
        do {
            chunk = connection.client().purge(filter, PURGE_BUDGET);
            total += chunk.deletedInstanceCount();
            if (!chunk.isComplete()) {
                printer.progress("Purged " + total + " instance(s) so far; continuing...");
            }
        } while (!chunk.isComplete());
        report(printer, total);
        return ExitCodes.SUCCESS;
    }

    /** Says exactly what a purge by filter deletes: how many instances match, of which statuses. */
    private static String purgeQuestion(Connection connection, Instant from, Instant to, Set<RuntimeStatus> statuses) {
        Set<RuntimeStatus> finished = statuses.isEmpty() ? EnumSet.copyOf(Arrays.stream(RuntimeStatus.values())
                .filter(RuntimeStatus::isTerminal).toList()) : statuses;
        Map<RuntimeStatus, Long> counts = connection.client().countByStatus(InstanceQuery.builder()
                .createdFrom(from).createdTo(to).statuses(finished).build());
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<String> breakdown = new ArrayList<>();
        for (RuntimeStatus status : finished) {
            breakdown.add(status + " " + counts.getOrDefault(status, 0L));
        }
        return "Purge " + total + " instance(s) created between " + from + " and " + to + ", with their history ("
                + String.join(", ", breakdown) + ")" + (statuses.isEmpty() ? "" : "; other statuses are kept")
                + "?";
    }

    private static void report(Printer printer, int deleted) {
        if (printer.isJson()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("instancesDeleted", deleted);
            printer.json(result);
        } else {
            printer.line("Purged " + deleted + " instance(s).");
        }
    }

    private Set<RuntimeStatus> statuses() {
        Set<RuntimeStatus> parsed = EnumSet.noneOf(RuntimeStatus.class);
        for (String status : statuses) {
            RuntimeStatus value = RuntimeStatus.parse(status).filter(RuntimeStatus::isTerminal)
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "--runtime-status: '" + status
                            + "' is not a finished status; use Completed, Failed, Terminated or Canceled."));
            parsed.add(value);
        }
        return parsed;
    }
}
