package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.store.WorkerRegistration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list-workers", description = "List the task hub's running workers and the names each runs.",
        footer = {"%nExamples:", "  taskhub list-workers", "  taskhub list-workers --endpoint http://127.0.0.1:7071 -o json"})
public final class ListWorkersCommand extends ManagementCommand {
    @Override
    protected int run(Connection connection, Printer printer) {
        List<WorkerRegistration> workers = new ArrayList<>(connection.client().liveWorkers());
        workers.sort(Comparator.comparing(WorkerRegistration::workerId));
        if (printer.isJson()) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode list = body.putArray("workers");
            for (WorkerRegistration worker : workers) {
                ObjectNode entry = list.addObject().put("workerId", worker.workerId());
                worker.orchestrators().stream().sorted().forEach(entry.putArray("orchestrators")::add);
                worker.activities().stream().sorted().forEach(entry.putArray("activities")::add);
                entry.put("expiresAt", worker.expiresAt().toString());
            }
            printer.json(body);
            return ExitCodes.SUCCESS;
        }
        List<List<String>> rows = new ArrayList<>();
        for (WorkerRegistration worker : workers) {
            rows.add(List.of(worker.workerId(), String.join(", ", worker.orchestrators().stream().sorted().toList()),
                    String.join(", ", worker.activities().stream().sorted().toList())));
        }
        printer.table(List.of("WORKER", "ORCHESTRATORS", "ACTIVITIES"), rows);
        printer.line(workers.size() + " running worker(s).");
        return ExitCodes.SUCCESS;
    }
}
