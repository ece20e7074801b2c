package io.taskhub.ports.model;

/** The instance-management operations whose legality depends on the instance's runtime status. */
public enum ManagementOperation {
    START,
    RESTART,
    TERMINATE,
    SUSPEND,
    RESUME,
    REWIND,
    RAISE_EVENT,
    PURGE
}
