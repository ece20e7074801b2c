package io.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers -h and --help with its usage and exit 0, also when it has required options. */
class HelpTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serve", "start-new", "get-runtime-status", "get-history", "get-instances",
        "raise-event", "terminate", "suspend", "resume", "rewind", "restart", "purge-history", "delete-task-hub",
        "wait", "benchmark", "list-functions"})
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
}
