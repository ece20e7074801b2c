package io.taskhub.ports.client;

import java.util.List;

/** The orchestrators and activities a deployment runs, each with where it came from (a plugin jar, say). */
public interface FunctionCatalog {
    /** What a registered name is. */
    enum Kind { ORCHESTRATOR, ACTIVITY }

    /**
     * @param source where the name was registered from, in words (a jar's path, "the class path (...)"), or null
     *               when unknown
     */
    record Function(Kind kind, String name, String source) {
    }

    /** Every registered name, orchestrators and activities, in registration order. */
    List<Function> functions();

    /** A deployment that registers nothing (a server that only manages instances). */
    FunctionCatalog NONE = List::of;
}
