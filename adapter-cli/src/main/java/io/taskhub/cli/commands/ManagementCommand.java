package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.json.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The base of every management command: connects (directly or to --endpoint), runs, returns an exit code. */
public abstract class ManagementCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Printer printer = new Printer(spec.commandLine().getOut(), spec.commandLine().getErr(), common.output);
        try (Connection connection = common.open(cli().environment(), printer::progress)) {
            return run(connection, printer);
        }
    }

    protected abstract int run(Connection connection, Printer printer) throws Exception;

    protected CliContext cli() {
        return (CliContext) spec.root().userObject();
    }

    /**
     * A JSON value given inline, or read from a file with {@code @path}; checked here, so that both modes
     * report bad JSON as a usage error that names the option.
     */
    protected String jsonArgument(String value, String option) {
        if (value == null) {
            return null;
        }
        String json = value;
        String source = "'" + value + "'";
        if (value.startsWith("@")) {
            Path file = Path.of(value.substring(1));
            source = "file " + file;
            try {
                json = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ParameterException(spec.commandLine(), option + ": file " + file + " does not exist.");
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), option + ": cannot read " + file + ": "
                        + e.getMessage());
            }
        }
        try {
            return JsonCodec.requireValidJson(json);
        } catch (InvalidArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + source + " is not one JSON value ("
                    + e.getMessage() + "). Give JSON such as '{\"timeoutSeconds\": 30}' or '\"text\"' (strings"
                    + " in quotes), or @file.json.");
        }
    }

    protected Instant instant(String value, String option) {
        return instant(spec, value, option);
    }

    /** An ISO-8601 instant given to {@code option}; a bad one is a usage error naming the option. */
    static Instant instant(CommandSpec spec, String value, String option) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + ": '" + value
                    + "' is not an ISO-8601 instant such as 2026-11-29T10:00:00Z.");
        }
    }

    /**
     * Asks before a destructive operation, unless {@code --yes}. Without an answer (no terminal, empty input)
     * the operation is not done.
     */
    protected boolean confirmed(boolean yes, String question, Printer printer) throws IOException {
        if (yes) {
            return true;
        }
        printer.progress(question + " [y/N] ");
        BufferedReader in = cli().input();
        String answer = in.readLine();
        if (answer == null) {
            printer.progress("No answer on standard input; pass --yes to confirm without asking.");
            return false;
        }
        return answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes");
    }

    protected static int notConfirmed(Printer printer) {
        printer.progress("Nothing was changed.");
        return ExitCodes.USAGE;
    }
}
