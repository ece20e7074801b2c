package io.taskhub.azure.internal;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.rules.TaskHubNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The queues and tables of one task hub, named after it the way Durable Functions does ({@code <hub>-control-00},
 * {@code <hub>-workitems}, {@code <Hub>Instances}, ...), each checked against Azure's naming rules so that a bad
 * name fails at configuration time with the rule it breaks rather than with an HTTP 400 later.
 */
final class ResourceNames {
    private static final Pattern QUEUE = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private final String taskHub;
    private final List<String> controlQueues;
    private final String workItemQueue;
    private final String instancesTable;
    private final String historyTable;
    private final String partitionsTable;
    private final String payloadsTable;

    public ResourceNames(String taskHub, int partitionCount) {
        this.taskHub = TaskHubNames.validate(taskHub);
        String lower = taskHub.toLowerCase(Locale.ROOT);
        List<String> queues = new ArrayList<>(partitionCount);
        for (int i = 0; i < partitionCount; i++) {
            queues.add(queue(String.format(Locale.ROOT, "%s-control-%02d", lower, i)));
        }
        this.controlQueues = List.copyOf(queues);
        this.workItemQueue = queue(lower + "-workitems");
        this.instancesTable = table(taskHub + "Instances");
        this.historyTable = table(taskHub + "History");
        this.partitionsTable = table(taskHub + "Partitions");
        this.payloadsTable = table(taskHub + "Payloads");
    }

    public String taskHub() { return taskHub; }
    public List<String> controlQueues() { return controlQueues; }
    public String controlQueue(int partition) { return controlQueues.get(partition); }
    public String workItemQueue() { return workItemQueue; }
    public String instancesTable() { return instancesTable; }
    public String historyTable() { return historyTable; }
    public String partitionsTable() { return partitionsTable; }
    public String payloadsTable() { return payloadsTable; }

    public List<String> tables() {
        return List.of(instancesTable, historyTable, partitionsTable, payloadsTable);
    }

    /**
     * Azure queue names: 3 to 63 characters; lowercase letters, digits and single hyphens; starting and ending
     * with a letter or digit.
     */
    static String queue(String name) {
        if (name.length() < 3 || name.length() > 63) {
            throw invalid("queue", name, "queue names must be 3 to 63 characters long");
        }
        if (!QUEUE.matcher(name).matches()) {
            throw invalid("queue", name, "queue names may contain only lowercase letters, digits and single"
                    + " hyphens, and must start and end with a letter or digit");
        }
        return name;
    }

    /** Azure table names: 3 to 63 letters or digits, starting with a letter, and not "tables". */
    static String table(String name) {
        if (name.length() < 3 || name.length() > 63) {
            throw invalid("table", name, "table names must be 3 to 63 characters long");
        }
        if (!TABLE.matcher(name).matches()) {
            throw invalid("table", name, "table names may contain only letters and digits and must start with a"
                    + " letter");
        }
        if (name.equalsIgnoreCase("tables")) {
            throw invalid("table", name, "'tables' is reserved");
        }
        return name;
    }

    private static InvalidArgumentException invalid(String kind, String name, String rule) {
        return new InvalidArgumentException("Azure " + kind + " name '" + name + "' is invalid: " + rule + ".");
    }
}
