package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.jobs.BulkJobProgress;
import io.taskhub.ports.jobs.BulkJobRequest;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.jobs.BulkOperation;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "bulk", description = "Apply one operation to every instance a filter matches, as a durable job run"
        + " by the task hub's workers; shows its progress until it ends.",
        footer = {"%nExamples:",
            "  taskhub bulk terminate --runtime-status Running --id-prefix order- --reason \"cancelled\" --yes",
            "  taskhub bulk raiseEvent --name Approval --event-name Approval --event-data true --yes",
            "  taskhub bulk purge --runtime-status Completed,Failed --created-before 2026-11-01T00:00:00Z --yes",
            "  taskhub bulk suspend --name Billing --yes --no-wait"})
public final class BulkCommand extends ManagementCommand {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int BAR_WIDTH = 30;

    @Parameters(index = "0", paramLabel = "OPERATION",
            description = "terminate, suspend, resume, purge, rewind or raiseEvent.") String operation;
    @Mixin
    FilterOptions filters;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Recorded with terminate, suspend, resume, rewind.")
    String reason;
    @Option(names = "--event-name", paramLabel = "NAME", description = "The event raiseEvent raises.") String eventName;
    @Option(names = "--event-data", paramLabel = "JSON", description = "Its payload: JSON, or @file.json.")
    String eventData;
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;
    @Option(names = "--no-wait", description = "Print the job's id and return; the job goes on.") boolean noWait;

    @Override
    protected int run(Connection connection, Printer printer) throws Exception {
        BulkJobRequest request;
        try {
            request = new BulkJobRequest(BulkOperation.parse(operation), filters.query(spec).build(), reason,
                    eventName, jsonArgument(eventData, "--event-data"));
        } catch (InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TaskhubClient client = connection.client();
        long matching = BulkJobs.targets(client, request.filter());
        String scope = filters.any() ? "" : " (no filter: every instance of the task hub)";
        if (!confirmed(yes, request.operation().wireName() + " the " + matching + " matching instance(s)" + scope
                + "?", printer)) {
            return notConfirmed(printer);
        }
        String job = client.startNew(BulkJobs.start(request));
        if (noWait) {
            printer.line(job);
            return ExitCodes.SUCCESS;
        }
        printer.progress("Job " + job + " started; a worker of the task hub runs it.");
        InstanceMetadata ended = follow(client, job, printer);
        BulkJobProgress progress = BulkJobs.progress(ended.customStatus());
        if (progress == null) { // it ended before its first count (cancelled, or failed: its output says why)
            printer.line("Job " + job + " " + ended.runtimeStatus() + " before it began"
                    + (ended.output() == null ? "." : ": " + ended.output()));
            return ExitCodes.FAILURE;
        }
        if (printer.isJson()) {
            printer.json(summary(ended, progress));
        } else {
            report(printer, ended, progress);
        }
        return ended.runtimeStatus() == RuntimeStatus.Completed ? ExitCodes.SUCCESS : ExitCodes.FAILURE;
    }

    /** Polls the job until it ends, drawing its progress on standard error. */
    private static InstanceMetadata follow(TaskhubClient client, String job, Printer printer)
            throws InterruptedException {
        while (true) {
            InstanceMetadata state = client.getStatus(job, StatusOptions.DEFAULT).map(InstanceStatus::metadata)
                    .orElseThrow(() -> new IllegalStateException("Job " + job + " is gone (purged?)."));
            BulkJobProgress progress = BulkJobs.progress(state.customStatus());
            if (progress != null) {
                printer.bar(bar(progress));
            }
            if (state.runtimeStatus().isTerminal()) {
                printer.endBar();
                return state;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static String bar(BulkJobProgress progress) {
        long handled = progress.done() + progress.failed();
        long total = Math.max(progress.matched(), handled);
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * handled / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + handled + "/" + total + " ("
                + progress.done() + " done, " + progress.failed() + " refused)";
    }

    private static void report(Printer printer, InstanceMetadata job, BulkJobProgress progress) {
        printer.line("Job " + job.instanceId() + " " + job.runtimeStatus() + ": " + progress.operation() + " done for "
                + progress.done() + " of " + progress.matched() + " matching instance(s), refused by "
                + progress.failed() + ".");
        if (!progress.failures().isEmpty()) {
            printer.table(List.of("INSTANCE", "REFUSED BECAUSE"), progress.failures().stream()
                    .map(f -> List.of(f.instanceId(), f.reason())).toList());
        }
    }

    private static ObjectNode summary(InstanceMetadata job, BulkJobProgress progress) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", job.instanceId());
        node.put("runtimeStatus", job.runtimeStatus().name());
        node.put("operation", progress.operation());
        node.put("matched", progress.matched());
        node.put("done", progress.done());
        node.put("failed", progress.failed());
        node.put("complete", progress.complete());
        var failures = node.putArray("failures");
        progress.failures().forEach(f -> failures.addObject().put("instanceId", f.instanceId())
                .put("reason", f.reason()));
        return node;
    }
}
