package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.benchmark.CommitCounter;
import io.taskhub.cli.benchmark.DatabaseServerCpu;
import io.taskhub.cli.benchmark.DbosProbe;
import io.taskhub.cli.benchmark.HelloScenario;
import io.taskhub.cli.benchmark.ListScenario;
import io.taskhub.cli.benchmark.PurgeScenario;
import io.taskhub.cli.output.OutputFormat;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.BundledSamples;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.RawRateProbe;
import io.taskhub.runtime.Deployment;
import io.taskhub.runtime.PluginSet;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures each named backend with the same workloads in one run and prints the figures side by side: hello
 * sequences (throughput, then latency one at a time), a fan-in, list queries over many stored instances through
 * HTTP, and a purge of many finished instances with their history; optionally the DBOS peer on the same
 * PostgreSQL server right after. Each backend gets a fresh task hub, deleted afterwards.
 */
@Command(name = "benchmark", description = "Measure backends side by side: throughput, latency, fan-in, lists,"
        + " purges.",
        footer = {"%nExamples:", "  taskhub benchmark",
            "  taskhub benchmark --backends sqlite,postgres --instances 1000 --compare-dbos ../dbos-probe",
            "  taskhub benchmark --backends postgres --scenario list --stored 1000000 \\",
            "      --set postgres.url=jdbc:postgresql://127.0.0.1:5432/postgres"})
public final class BenchmarkCommand implements Callable<Integer> {
    private static final List<String> SCENARIOS = List.of("hello", "fan-in", "list", "purge", "all");
    /** Bulk-loaded instances are numbered in 8 digits. */
    private static final int MAX_LOADED = 99_999_999;

    @Mixin
    ConfigOptions config;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    OutputFormat output = OutputFormat.table;

    @Option(names = "--backends", split = ",", defaultValue = "sqlite",
            description = "Backends to measure, in order (default: sqlite).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--scenario", defaultValue = "hello", paramLabel = "NAME",
            description = "hello (a burst of hello sequences, then one at a time, then a page of the list), fan-in"
                    + " (one FanOutFanIn of --fan-in activities), list (pages of 100 under every list filter, over"
                    + " --stored instances, through HTTP), purge (--purge-instances with 10 history events each),"
                    + " or all.")
    String scenario;

    @Option(names = "--instances", defaultValue = "200", description = "Hello sequences in the burst (default 200).")
    int instances;

    @Option(names = "--latency-samples", defaultValue = "30", description = "Sequential instances timed one by one.")
    int latencySamples;

    // As many as the DBOS probe runs before its burst: 200 to warm up, then the 200 it times one at a time.
    @Option(names = "--warmup", defaultValue = "400", paramLabel = "N",
            description = "Hello sequences run (started at once) before hello and fan-in are measured, so that the"
                    + " JIT and the connection pool are warm: as many as the DBOS peer runs before its burst"
                    + " (default 400). Before the fan-in, one fan-in of a tenth of --fan-in also runs, unmeasured,"
                    + " unless N is 0.")
    int warmup;

    @Option(names = "--fan-in", defaultValue = "10000", paramLabel = "N",
            description = "Activities of the fan-in scenario (default 10000).")
    int fanIn;

    @Option(names = "--stored", defaultValue = "1000000", paramLabel = "N",
            description = "Finished instances stored (bulk-loaded) for the list scenario (default 1000000).")
    int stored;

    @Option(names = "--list-samples", defaultValue = "50", paramLabel = "N",
            description = "Reads of each list filter, and of the counts, that are timed (default 50).")
    int listSamples;

    @Option(names = "--list-warmup", defaultValue = "100", paramLabel = "N",
            description = "Rounds of every list request (each filter and the counts) read before the timed ones,"
                    + " so that they measure a server whose request path is compiled (default 100).")
    int listWarmup;

    @Option(names = "--purge-instances", defaultValue = "100000", paramLabel = "N",
            description = "Finished instances (10 history events each) the purge scenario deletes (default 100000).")
    int purgeInstances;

    @Option(names = "--compare-dbos", paramLabel = "DIR",
            description = "After the backends, run the DBOS probe project in DIR (Maven) with --instances workflows"
                    + " on the same PostgreSQL server (database dbos_probe), and print its figures beside ours. The probe"
                    + " gets postgres.password on its command line, where other users of the machine can see it.")
    Path dbosProbe;

    @Spec
    CommandSpec spec;

    /** One backend's figures; a part that did not run is null. */
    private record Result(String backend, HelloScenario.Figures hello, ListScenario.Figures list,
            PurgeScenario.Figures purge, List<RawRateProbe.Rate> raw) {
    }

    /** Threads and time per kind of operation of a backend's raw-rate probe. */
    private static final int RAW_THREADS = 8;
    private static final Duration RAW_DURATION = Duration.ofSeconds(5);
    /**
     * What a hello sequence needs at the least, where messages and table writes are the work (Azure Storage): a
     * message each for its start, its 3 activities and their 3 results, and a table write for each of its 4 steps.
     */
    private static final int HELLO_MESSAGES = 7;
    private static final int HELLO_TABLE_WRITES = 4;

    @Override
    public Integer call() {
        validate();
        Printer printer = new Printer(spec.commandLine().getOut(), spec.commandLine().getErr(), output);
        CliContext cli = (CliContext) spec.root().userObject();
        List<Result> results = new ArrayList<>();
        Settings lastSettings = null;
        for (String backend : backends) {
            config.settings.put(Settings.BACKEND.key(), backend.trim());
            config.settings.put(Settings.TASK_HUB.key(), "bench" + UUID.randomUUID().toString().replace("-", "")
                    .substring(0, 12));
            config.settings.put(Settings.HTTP_PORT.key(), "0");
            printer.progress("Measuring " + backend + "...");
            Settings settings = config.settings(cli.environment());
            lastSettings = settings;
            results.add(measure(backend.trim(), settings, printer));
        }
        DbosProbe.Figures dbos = null;
        if (dbosProbe != null) {
            Settings postgres = postgresSettings(lastSettings, cli);
            printer.progress("Running the DBOS probe in " + dbosProbe + "...");
            dbos = new DbosProbe(dbosProbe).run(postgres, instances);
        }
        if (printer.isJson()) {
            printer.json(json(results, dbos));
        } else {
            printTables(printer, results, dbos);
        }
        return ExitCodes.SUCCESS;
    }

    private void validate() {
        if (!SCENARIOS.contains(scenario)) {
            throw new ParameterException(spec.commandLine(), "--scenario: '" + scenario + "' is not one of "
                    + String.join(", ", SCENARIOS) + ".");
        }
        if (stored < 200 || stored > MAX_LOADED || listSamples < 1 || purgeInstances < 1
                || purgeInstances > MAX_LOADED || instances < 1 || listWarmup < 0) {
            throw new ParameterException(spec.commandLine(), "--stored must be from 200 to " + MAX_LOADED
                    + ", --purge-instances from 1 to " + MAX_LOADED + ", --list-samples and --instances at"
                    + " least 1, and --list-warmup at least 0.");
        }
        if (dbosProbe != null) {
            try {
                new DbosProbe(dbosProbe);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    private Result measure(String backend, Settings settings, Printer printer) {
        ClassLoader classPath = BenchmarkCommand.class.getClassLoader();
        String taskHub = settings.get(Settings.TASK_HUB);
        // The workload is a sample: its jar is loaded whatever samples.enabled says.
        try (Deployment deployment = Deployment.assemble(settings, PluginSet.fromSettings(settings, classPath,
                List.of()).withJars(BundledSamples.required(), classPath))) {
            deployment.startWorker();
            TaskhubClient client = deployment.clients().defaultClient();
            try {
                HelloScenario.Figures hello = null;
                if (runs("hello") || runs("fan-in")) {
                    HelloScenario engine = new HelloScenario(client, new CommitCounter(settings),
                            new DatabaseServerCpu(settings));
                    engine.warmUp(warmup);
                    hello = runs("hello") ? engine.hello(instances, latencySamples) : null;
                    if (runs("fan-in")) {
                        if (warmup > 0) {
                            // Hello sequences leave the fan-in's own paths (results in batches, a held instance,
                            // long replays) to the JIT: measured cold, the compilers took a third of the machine.
                            engine.fanInSeconds(Math.max(1, fanIn / 10));
                        }
                        double seconds = engine.fanInSeconds(fanIn);
                        hello = withFanIn(hello, seconds);
                    }
                }
                Optional<BulkLoader> loader = deployment.backend().bulkLoader();
                String noLoader = "the " + backend + " backend cannot bulk-load instances";
                ListScenario.Figures list = null;
                if (runs("list")) {
                    printer.progress("  loading " + stored + " instances for the list queries...");
                    list = loader.isEmpty() ? ListScenario.Figures.notRun(noLoader)
                            : new ListScenario().run(loader.get(), taskHub, deployment.startHttpServer(), stored,
                                    listSamples, listWarmup);
                }
                PurgeScenario.Figures purge = null;
                if (runs("purge")) {
                    printer.progress("  loading " + purgeInstances + " instances to purge...");
                    purge = loader.isEmpty() ? PurgeScenario.Figures.notRun(noLoader)
                            : new PurgeScenario().run(loader.get(), taskHub, client, purgeInstances);
                }
                List<RawRateProbe.Rate> raw = null;
                Optional<RawRateProbe> probe = deployment.backend().rawRateProbe();
                if (runs("hello") && probe.isPresent()) {
                    printer.progress("  measuring the storage's own rates...");
                    raw = probe.get().measure(RAW_THREADS, RAW_DURATION);
                }
                return new Result(backend, hello, list, purge, raw);
            } finally {
                deployment.stopWorker(); // before the hub goes, so that nothing works on it any more
                client.deleteTaskHub();
            }
        }
    }

    private static HelloScenario.Figures withFanIn(HelloScenario.Figures hello, double seconds) {
        return (hello != null ? hello : HelloScenario.Figures.none()).withFanInSeconds(seconds);
    }

    /** The PostgreSQL server the DBOS probe uses: the one the benchmark's settings name (postgres.url). */
    private Settings postgresSettings(Settings last, CliContext cli) {
        config.settings.put(Settings.BACKEND.key(), "postgres");
        return last != null && "postgres".equals(last.get(Settings.BACKEND)) ? last
                : config.settings(cli.environment());
    }

    private boolean runs(String which) {
        return scenario.equals("all") || scenario.equals(which);
    }

    private double fanInRate(HelloScenario.Figures f) {
        return fanIn / f.fanInSeconds();
    }

    private ObjectNode json(List<Result> results, DbosProbe.Figures dbos) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("scenario", scenario).put("instances", instances).put("latencySamples", latencySamples)
                .put("fanIn", fanIn).put("stored", stored).put("purgeInstances", purgeInstances);
        ArrayNode list = body.putArray("results");
        for (Result r : results) {
            ObjectNode row = list.addObject().put("backend", r.backend());
            HelloScenario.Figures f = r.hello();
            number(row, "instancesPerSecond", f == null ? Double.NaN : f.instancesPerSecond());
            number(row, "activitiesPerSecond", f == null ? Double.NaN : f.activitiesPerSecond());
            number(row, "latencyP50Millis", f == null ? Double.NaN : f.p50Millis());
            number(row, "latencyP95Millis", f == null ? Double.NaN : f.p95Millis());
            number(row, "list100Millis", f == null ? Double.NaN : f.listMillis());
            number(row, "commitsPerInstance", f == null ? Double.NaN : f.commitsPerInstance());
            number(row, "javaCpuMillisPerInstance", f == null ? Double.NaN : f.javaCpuMillisPerInstance());
            number(row, "databaseCpuMillisPerInstance", f == null ? Double.NaN : f.databaseCpuMillisPerInstance());
            number(row, "jitSeconds", f == null ? Double.NaN : f.jitSeconds());
            number(row, "fanInSeconds", f == null ? Double.NaN : f.fanInSeconds());
            number(row, "fanInResultsPerSecond", f == null ? Double.NaN : fanInRate(f));
            if (r.list() != null) {
                ObjectNode l = row.putObject("list").put("stored", r.list().stored())
                        .put("warmUpRounds", r.list().warmUpRounds());
                if (r.list().skipped() != null) {
                    l.put("skipped", r.list().skipped());
                }
                number(l, "loadSeconds", r.list().loadSeconds());
                number(l, "countsP50Millis", r.list().countsP50Millis());
                number(l, "countsP95Millis", r.list().countsP95Millis());
                ArrayNode filters = l.putArray("filters");
                for (ListScenario.FilterFigures filter : r.list().filters()) {
                    ObjectNode fo = filters.addObject().put("filter", filter.filter()).put("pageRows",
                            filter.pageRows());
                    number(fo, "p50Millis", filter.p50Millis());
                    number(fo, "p95Millis", filter.p95Millis());
                }
            }
            if (r.purge() != null) {
                ObjectNode p = row.putObject("purge").put("instances", r.purge().instances())
                        .put("historyRows", r.purge().historyRows());
                if (r.purge().skipped() != null) {
                    p.put("skipped", r.purge().skipped());
                }
                number(p, "loadSeconds", r.purge().loadSeconds());
                number(p, "purgeSeconds", r.purge().purgeSeconds());
                number(p, "instancesPerSecond", r.purge().skipped() != null ? Double.NaN
                        : r.purge().instancesPerSecond());
            }
            if (r.raw() != null) {
                ObjectNode raw = row.putObject("raw").put("threads", RAW_THREADS);
                ArrayNode rates = raw.putArray("rates");
                r.raw().forEach(rate -> number(rates.addObject().put("operation", rate.operation()), "perSecond",
                        rate.perSecond()));
                number(raw, "helloBoundInstancesPerSecond", helloBound(r.raw()));
                number(raw, "ofBound", f == null ? Double.NaN : f.instancesPerSecond() / helloBound(r.raw()));
            }
        }
        if (dbos != null) {
            ObjectNode d = body.putObject("dbos").put("version", dbos.version()).put("workflows", dbos.workflows());
            number(d, "workflowsPerSecond", dbos.workflowsPerSecond());
            number(d, "sequentialMillis", dbos.sequentialMillis());
            number(d, "databaseCpuMillisPerWorkflow", dbos.databaseCpuMillisPerWorkflow());
        }
        return body;
    }

    private void printTables(Printer printer, List<Result> results, DbosProbe.Figures dbos) {
        if (runs("hello") || runs("fan-in")) {
            List<List<String>> rows = new ArrayList<>();
            for (Result r : results) {
                HelloScenario.Figures f = r.hello();
                rows.add(List.of(r.backend(), format(f.instancesPerSecond()), format(f.activitiesPerSecond()),
                        format(f.p50Millis()), format(f.p95Millis()), format(f.listMillis()),
                        format(f.commitsPerInstance()), format(f.javaCpuMillisPerInstance()),
                        format(f.jitSeconds()), format(f.databaseCpuMillisPerInstance()), format(fanInRate(f))));
            }
            if (dbos != null) {
                rows.add(List.of("DBOS " + dbos.version() + " (postgres)", format(dbos.workflowsPerSecond()),
                        format(dbos.workflowsPerSecond() * 3), format(dbos.sequentialMillis()) + " (mean)", "-",
                        "-", "-", "-", "-", format(dbos.databaseCpuMillisPerWorkflow()), "-"));
            }
            printer.table(List.of("BACKEND", "INSTANCES/S", "ACTIVITIES/S", "LATENCY P50 MS", "LATENCY P95 MS",
                    "LIST 100 MS", "COMMITS/INSTANCE", "JAVA CPU MS/INSTANCE", "JIT S", "DB CPU MS/INSTANCE",
                    "FAN-IN RESULTS/S"), rows);
            printer.line("Workload: " + (runs("hello") ? instances + " E1_HelloSequence instances started at once"
                    + " (3 activities each); then " + latencySamples + " started one at a time; list = one filtered"
                    + " page of 100 through the client" : "") + (runs("hello") && runs("fan-in") ? "; " : "")
                    + (runs("fan-in") ? "fan-in = one FanOutFanIn of " + fanIn + " activities" : "") + "."
                    + " Commits per instance: PostgreSQL's committed transactions during the burst (- elsewhere)."
                    + " Java CPU: this process's CPU time during the burst, per instance (a database server's is"
                    + " not in it); JIT: the seconds the JIT compiler worked during the burst. DB CPU: the PostgreSQL"
                    + " server's CPU time during the burst, per instance, when it runs on this machine (- elsewhere)."
                    + (dbos != null ? " DBOS: " + dbos.workflows() + " 3-step workflows started at once; its latency"
                            + " is the mean of 200 run one after another; its DB CPU is over its whole run (the burst"
                            + " and the " + DbosProbe.WORKFLOWS_BEFORE_BURST + " workflows before it), per workflow."
                            : ""));
        }
        List<List<String>> rawRows = new ArrayList<>();
        for (Result r : results) {
            if (r.raw() == null) {
                continue;
            }
            for (RawRateProbe.Rate rate : r.raw()) {
                rawRows.add(List.of(r.backend(), rate.operation(), format(rate.perSecond())));
            }
            double bound = helloBound(r.raw());
            rawRows.add(List.of(r.backend(), "hello sequences at most (" + HELLO_MESSAGES + " messages, "
                    + HELLO_TABLE_WRITES + " table writes each)", format(bound)));
            rawRows.add(List.of(r.backend(), "Taskhub's hello sequences, as a share of that bound",
                    format(100 * r.hello().instancesPerSecond() / bound) + " %"));
        }
        if (!rawRows.isEmpty()) {
            printer.line("");
            printer.table(List.of("BACKEND", "STORAGE'S OWN RATE", "PER SECOND"), rawRows);
            printer.line("The storage's own rates: " + RAW_THREADS + " threads for " + RAW_DURATION.toSeconds()
                    + " s each, on a scratch queue and table, with Taskhub's clients.");
        }
        if (runs("list")) {
            List<List<String>> rows = new ArrayList<>();
            for (Result r : results) {
                ListScenario.Figures l = r.list();
                if (l.skipped() != null) {
                    rows.add(List.of(r.backend(), "(skipped: " + l.skipped() + ")", "-", "-", "-"));
                    continue;
                }
                for (ListScenario.FilterFigures f : l.filters()) {
                    rows.add(List.of(r.backend(), f.filter(), format(f.p50Millis()), format(f.p95Millis()),
                            String.valueOf(f.pageRows())));
                }
                rows.add(List.of(r.backend(), "counts by status", format(l.countsP50Millis()),
                        format(l.countsP95Millis()), "-"));
            }
            printer.line("");
            printer.table(List.of("BACKEND", "LIST FILTER", "P50 MS", "P95 MS", "ROWS"), rows);
            printer.line("List: " + stored + " finished instances stored (4 names; 8 in 10 Completed, 1 Failed, 1"
                    + " Terminated), each filter read " + listSamples + " times as a page of 100 through the HTTP"
                    + " API (GET /runtime/webhooks/durabletask/instances), counts through GET /taskhub/v1/counts,"
                    + " after " + listWarmup + " rounds of every request.");
        }
        if (runs("purge")) {
            List<List<String>> rows = new ArrayList<>();
            for (Result r : results) {
                PurgeScenario.Figures p = r.purge();
                rows.add(p.skipped() != null ? List.of(r.backend(), "(skipped: " + p.skipped() + ")", "-", "-", "-")
                        : List.of(r.backend(), String.valueOf(p.instances()), String.valueOf(p.historyRows()),
                                format(p.purgeSeconds()), format(p.instancesPerSecond())));
            }
            printer.line("");
            printer.table(List.of("BACKEND", "PURGED INSTANCES", "HISTORY ROWS", "SECONDS", "INSTANCES/S"), rows);
        }
    }

    /**
     * The most hello sequences a second the storage could take if they cost nothing but their messages and table
     * writes, done at the raw rates measured (the first two: messages, then table writes), one after another.
     */
    private static double helloBound(List<RawRateProbe.Rate> raw) {
        return 1 / (HELLO_MESSAGES / raw.get(0).perSecond() + HELLO_TABLE_WRITES / raw.get(1).perSecond());
    }

    private static void number(ObjectNode row, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            row.putNull(field);
        } else {
            row.put(field, Math.round(value * 10) / 10.0);
        }
    }

    private static String format(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
