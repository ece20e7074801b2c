package io.taskhub.ports.model;

/**
 * How many instances a purge deleted, and whether it is complete; an incomplete purge is continued by
 * calling it again with the same filter.
 */
public record PurgeResult(int deletedInstanceCount, boolean isComplete) {
    public static final PurgeResult NONE = new PurgeResult(0, true);

    public PurgeResult plus(PurgeResult next) {
        return new PurgeResult(deletedInstanceCount + next.deletedInstanceCount, next.isComplete);
    }
}
