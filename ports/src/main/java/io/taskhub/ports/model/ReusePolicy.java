package io.taskhub.ports.model;

/** What starting an instance does when an instance with the same id already exists. */
public enum ReusePolicy {
    /** Replace a finished instance; refuse (409) when the existing one is still active. The default. */
    REJECT_IF_ACTIVE,
    /** Terminate an active instance and replace it with the new one. */
    TERMINATE_AND_REPLACE
}
