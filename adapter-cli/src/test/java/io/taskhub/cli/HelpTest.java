package io.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command answers -h and --help with its usage and exit 0, also when it has required options. */
class HelpTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serve", "start-new", "get-runtime-status", "get-history", "get-instances",
        "raise-event", "terminate", "suspend", "resume", "rewind", "restart", "purge-history", "delete-task-hub",
        "wait", "benchmark", "list-functions", "list-workers"})
    void everyCommand_answersHelp_withExit0(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = TaskhubCli.run(new String[] {command, flag}, Map.of(), new ByteArrayInputStream(new byte[0]),
                    new PrintWriter(out, true), new PrintWriter(err, true), url -> { });

            assertThat(code).as("%s %s: %s", command, flag, err).isZero();
            assertThat(out.toString()).contains("Usage: taskhub " + command);
            assertThat(err.toString()).isEmpty();
        }
    }

    private static CommandLine root() {
        return TaskhubCli.commandLine(new TaskhubCli(Map.of(), new ByteArrayInputStream(new byte[0]), url -> { }));
    }

    @Test
    void everyOptionOfEveryCommand_saysWhatItIs() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine command : root().getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (String.join(" ", option.description()).isBlank()) {
                    undescribed.add(command.getCommandName() + " " + option.longestName());
                }
            }
        }
        assertThat(undescribed).as("options without a description").isEmpty();
    }

    @Test
    void serve_offersOnlyTheOptionsThatApplyToIt() {
        Set<String> options = root().getSubcommands().get("serve").getCommandSpec().optionsMap().keySet();
        assertThat(options).contains("--config", "--backend", "--set", "--plugins", "--port")
                .doesNotContain("--endpoint", "--api-key", "-o", "--output");
    }

    @Test
    void examples_areShownWhole_neverWrappedInTheMiddle() {
        for (CommandLine command : root().getSubcommands().values()) {
            String usage = command.getUsageMessage();
            for (String line : command.getCommandSpec().usageMessage().footer()) {
                String shown = line.replace("%n", "").stripTrailing();
                if (shown.startsWith("  ")) { // an example (prose may wrap)
                    assertThat(usage).as("%s: the footer line '%s'", command.getCommandName(), shown)
                            .contains(shown);
                }
            }
        }
    }
}
