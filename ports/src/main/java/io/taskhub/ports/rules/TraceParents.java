package io.taskhub.ports.rules;

import java.util.regex.Pattern;

/**
 * The rule for the trace contexts Taskhub carries with instances and activity tasks: W3C Trace Context
 * {@code traceparent} values ({@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}). A caller's value that
 * breaks the rule is not an error: as the W3C recommendation asks of a receiver, it is ignored (the work starts a
 * trace of its own).
 */
public final class TraceParents {
    private static final Pattern VERSION_00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    private TraceParents() {
    }

    /** {@code traceParent} when it is a valid version-00 traceparent (surrounding blanks dropped), else null. */
    public static String validOrNull(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        String value = traceParent.strip();
        if (!VERSION_00.matcher(value).matches() || value.startsWith(ZERO_TRACE, 3)
                || value.startsWith(ZERO_PARENT, 36)) {
            return null;
        }
        return value;
    }
}
