package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.BulkLoader.FinishedInstances;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' bulk loads: what they write reads back through the store like instances that ran (rows, history,
 * filters, counts, purge), into the task hub named and no other.
 */
public abstract class BulkLoadContract extends StoreContractSupport {
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");

    private BulkLoader loader() {
        Optional<BulkLoader> loader = backend().bulkLoader();
        Assumptions.assumeTrue(loader.isPresent(), "the backend has no bulk loader");
        return loader.get();
    }

    private static List<HistoryEvent> history() {
        ExecutionStarted started = Fixtures.started("Hello", "\"x\"");
        return List.of(started, new ExecutionCompleted(CREATED, RuntimeStatus.Completed, "\"done\"", null));
    }

    @Test
    void loadedInstances_readBackWithTheirRowsAndHistory() {
        OrchestrationStore store = newTaskHub();
        OrchestrationStore elsewhere = newTaskHub();
        loader().load(store.taskHubName().toUpperCase(), new FinishedInstances("b-", 5, List.of("Hello", "Other"),
                List.of(RuntimeStatus.Completed, RuntimeStatus.Failed), CREATED, history()));

        InstanceMetadata third = store.getInstance("b-00000002").orElseThrow();
        assertThat(third.name()).isEqualTo("Hello");
        assertThat(third.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(third.createdAt()).isEqualTo(CREATED.plus(2, ChronoUnit.MILLIS));
        assertThat(third.completedAt()).isEqualTo(CREATED.plus(2, ChronoUnit.MILLIS).plusSeconds(1));
        assertThat(third.output()).isEqualTo("2");
        assertThat(store.getInstance("b-00000003").orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(store.getInstance("b-00000003").orElseThrow().name()).isEqualTo("Other");
        assertThat(store.getHistory("b-00000004")).hasSize(2).first().isInstanceOf(ExecutionStarted.class);
        assertThat(elsewhere.queryInstances(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void loadedInstances_answerFiltersCountsAndPurges() {
        OrchestrationStore store = newTaskHub();
        loader().load(store.taskHubName(), new FinishedInstances("p-", 120, List.of("A", "B", "C"),
                List.of(RuntimeStatus.Completed, RuntimeStatus.Completed, RuntimeStatus.Terminated), CREATED,
                history()));

        InstancePage page = store.queryInstances(InstanceQuery.builder().name("B").pageSize(10).build());
        assertThat(page.instances()).hasSize(10).allMatch(i -> i.name().equals("B"));
        assertThat(page.instances().get(0).instanceId()).isEqualTo("p-00000001");
        assertThat(store.countInstances(InstanceQuery.all()))
                .isEqualTo(Map.of(RuntimeStatus.Completed, 80L, RuntimeStatus.Terminated, 40L));
        assertThat(store.queryInstances(InstanceQuery.builder().instanceIdPrefix("p-0000011").build()).instances())
                .hasSize(10);

        int purged = store.purgeInstances(PurgeFilter.anyFinishedStatus(CREATED, CREATED.plusSeconds(60)), 1000)
                .deletedInstanceCount();
        assertThat(purged).isEqualTo(120);
        assertThat(store.getHistory("p-00000007")).isEmpty();
        assertThat(store.countInstances(InstanceQuery.all())).isEmpty();
    }
}
