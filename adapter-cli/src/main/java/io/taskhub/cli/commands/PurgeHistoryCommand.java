package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.ports.model.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
    @Option(names = "--created-after", paramLabel = "INSTANT") String createdAfter;
    @Option(names = "--created-before", paramLabel = "INSTANT", description = "Default: now.") String createdBefore;
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
            if (!confirmed(yes, "Purge instance " + id + (recursive ? " and its sub-orchestrations" : "") + "?",
                    printer)) {
                return notConfirmed(printer);
            }
            report(printer, connection.client().purge(id, recursive).deletedInstanceCount());
            return ExitCodes.SUCCESS;
        }
        Instant from = instant(createdAfter, "--created-after");
        Instant to = createdBefore == null ? Instant.now() : instant(createdBefore, "--created-before");
        if (!confirmed(yes, "Purge every finished instance created between " + from + " and " + to + "?", printer)) {
            return notConfirmed(printer);
        }
        PurgeFilter filter = new PurgeFilter(from, to, statuses());
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
