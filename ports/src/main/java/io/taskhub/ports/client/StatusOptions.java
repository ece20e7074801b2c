package io.taskhub.ports.client;

/** What a status query returns besides the instance's metadata. */
public record StatusOptions(boolean showHistory, boolean showHistoryOutput, boolean showInput) {
    public static final StatusOptions DEFAULT = new StatusOptions(false, false, true);
    public static final StatusOptions WITH_HISTORY = new StatusOptions(true, true, true);
}
