package io.taskhub.e2e;

import java.nio.file.Path;

/** The management commands directly on the Azure Storage account that a running server uses. */
class AzureDirectCommandsTest extends ManagementCommandsContract {
    /** Unique, so that runs sharing a real account (or re-run before a deleted hub's names are free) differ. */
    private final String taskHub = "AzureDirect" + ManagementCommandsContract.uniqueSuffix();

    @Override
    protected Storage openStorage(Path directory) {
        return Storage.azureStorage(taskHub());
    }

    /**
     * The commands whose direct mode reads or writes the storage in ways of its own (starts, queries with filters
     * and paging, events, termination of a tree, rewind, purges, deleting the hub); the others differ from one
     * backend to the next only through the client they share, which the engine and storage-contract tests run on
     * Azure Storage. An Azure Storage command is the slowest of the commands to start (its SDK), and this class
     * was the longest of the test command.
     */
    private static final java.util.Set<String> RUN = java.util.Set.of(
            "startNew_withoutInput_runsTheSequence_andStatusShowsItsOutput",
            "startNew_fromAFileOfStartMessages_startsThemAsOneBatch_andRefusesABadOneWhole",
            "raiseEvent_completesTheWaitingApproval_whileWaitTimesOutAndTheIdIsInUseBefore",
            "terminate_isRecursive_theParentAndItsChildEndTerminated",
            "rewind_rerunsWhatFailed_andTheInstanceCompletes_butACompletedOneCannotBeRewound",
            "purgeHistory_byFilter_deletesFinishedInstancesCreatedInTheRange_only",
            "getInstances_filtersByIdPrefixNameStatusAndCreatedTime",
            "getInstances_pagesWithTopAndContinuationToken_orFetchesEveryPageWithAll",
            "deleteTaskHub_inDirectMode_asksFirst_thenDeletesEveryInstanceOfTheHub");

    @Override
    protected boolean runs(String testName) {
        return RUN.contains(testName);
    }

    @Override
    protected Mode mode() {
        return Mode.DIRECT;
    }

    @Override
    protected String taskHub() {
        return taskHub;
    }
}
