package io.taskhub.ports.model;

/**
 * What became of one item of a batch start ({@link TaskhubClient#startNewBatch}): its instance id when it
 * started, else why not.
 *
 * @param index      the item's position in the batch, from 0
 * @param instanceId the started instance's id, or null
 * @param error      why the item did not start, or null when it did
 */
public record StartOutcome(int index, String instanceId, String error) {
    public boolean started() {
        return error == null;
    }

    public static StartOutcome started(int index, String instanceId) {
        return new StartOutcome(index, instanceId, null);
    }

    public static StartOutcome refused(int index, String error) {
        return new StartOutcome(index, null, error);
    }
}
