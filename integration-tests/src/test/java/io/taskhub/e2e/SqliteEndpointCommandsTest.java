package io.taskhub.e2e;

import java.nio.file.Path;
import java.util.Set;

/**
 * The management commands through the HTTP API of a server on SQLite ({@code --endpoint}), for what the endpoint
 * changes. A command talks to the same client port in both modes ({@code Connection}): over HTTP it is
 * {@code HttpTaskhubClient}, which the engine suite in the client module holds to every assertion the in-process
 * client meets (suspend, resume, raise, terminate, rewind, restart, purge, history). What this class adds is the
 * command over a real endpoint: finding the server from the URL {@code serve} prints, its catalog and workers,
 * batches and their refusals, queries with the server's continuation tokens, purges and bulk operations by filter,
 * not-found answers as exit codes, and what a server refuses to do remotely. The rest of the commands run in
 * {@link SqliteDirectCommandsTest}; each command is a JVM of its own, and the test command's time is bounded.
 */
class SqliteEndpointCommandsTest extends ManagementCommandsContract {
    private static final Set<String> ENDPOINT_SPECIFIC = Set.of(
            "startNew_withoutInput_runsTheSequence_andStatusShowsItsOutput",
            "startNew_fromAFileOfStartMessages_startsThemAsOneBatch_andRefusesABadOneWhole",
            "startNew_ofAnOrchestratorNobodyHas_isAUsageError_thatSaysWhereItCouldCome",
            "listWorkers_showsTheServersWorkerWithTheNamesItRuns",
            "bulk_terminatesWhatTheFilterMatches_reportsTheRefusedOne_andNamesABadOperation",
            "purgeHistory_byFilter_deletesFinishedInstancesCreatedInTheRange_only",
            "getInstances_filtersByIdPrefixNameStatusAndCreatedTime",
            "getInstances_pagesWithTopAndContinuationToken_orFetchesEveryPageWithAll",
            "deleteTaskHub_overAnEndpoint_isAUsageError",
            "endpoint_acceptsTheUrlThatServePrints",
            "missingInstance_isNotFound_forEventsAndWaits",
            "wait_onAFailedInstance_exits1");

    @Override
    protected Storage openStorage(Path directory) {
        return Storage.sqlite(directory);
    }

    @Override
    protected Set<String> runsOnly() {
        return ENDPOINT_SPECIFIC;
    }

    @Override
    protected Mode mode() {
        return Mode.ENDPOINT;
    }

    @Override
    protected String taskHub() {
        return "SqliteEndpoint";
    }
}
