package io.taskhub.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of the {@code taskhub} jar. */
public final class TaskhubMain {
    private TaskhubMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = TaskhubCli.run(args, System.getenv(), System.in, out, err, url -> { });
        out.flush();
        err.flush();
        System.exit(code);
    }
}
