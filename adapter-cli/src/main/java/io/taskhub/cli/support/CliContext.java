package io.taskhub.cli.support;

import java.io.BufferedReader;
import java.util.Map;

/**
 * What the commands get from the command line that runs them: its environment, its standard input (for
 * confirmations) and whom to tell when a server has started. The root command provides it; the commands reach it
 * through this interface only, so that they do not depend on the root command.
 */
public interface CliContext {
    Map<String, String> environment();

    BufferedReader input();

    /** A server is serving at {@code baseUrl} (null for a worker without HTTP). */
    void serverStarted(String baseUrl);
}
