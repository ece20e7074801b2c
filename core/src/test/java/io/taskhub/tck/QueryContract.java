package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.NewInstance;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Listing instances: every filter, the order, keyset paging and counts. */
public abstract class QueryContract extends StoreContractSupport {
    private static final Instant Y2021 = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant Y2022 = Instant.parse("2022-01-01T00:00:00Z");
    private static final Instant Y2023 = Instant.parse("2023-01-01T00:00:00Z");

    /**
     * Four instances created one after another (distinct created times): two "Order"s and two "Invoice"s that
     * are children of order-1. Returned in created order.
     */
    private static Map<String, InstanceMetadata> seed(OrchestrationStore store) {
        Map<String, InstanceMetadata> seeded = new LinkedHashMap<>();
        add(seeded, store, createAndCheckpoint(store, "order-1", started("Order", "{\"id\":1}"),
                row -> row.runtimeStatus(RuntimeStatus.Completed).output("\"o1\"").customStatus("\"shipped\"")
                        .lastUpdatedAt(Y2021).completedAt(Y2021)));
        add(seeded, store, createAndCheckpoint(store, "order-2", started("Order", "{\"id\":2}"),
                row -> row.runtimeStatus(RuntimeStatus.Running).customStatus("\"packing\"").lastUpdatedAt(Y2022)));
        add(seeded, store, createAndCheckpoint(store, "invoice-1", child("order-1"),
                row -> row.runtimeStatus(RuntimeStatus.Failed).failure(Fixtures.failure()).lastUpdatedAt(Y2023)));
        store.createInstance("invoice-2", child("order-1"), Set.of());
        drain(store, "invoice-2"); // leaves it Pending, with no message that later claims would pick up
        add(seeded, store, store.getInstance("invoice-2").orElseThrow());
        return seeded;
    }

    private static void add(Map<String, InstanceMetadata> seeded, OrchestrationStore store, InstanceMetadata m) {
        seeded.put(m.instanceId(), m);
        waitUntilPast(store, m.createdAt()); // so that the next instance has a later created time
    }

    private static ExecutionStarted child(String parentId) {
        return new ExecutionStarted(Fixtures.now(), "Invoice", null, "{}", Fixtures.newExecutionId(),
                new ParentInstance(parentId, "exec", "Order", 1), null, null);
    }

    private static List<String> ids(OrchestrationStore store, UnaryOperator<InstanceQuery.Builder> query) {
        InstancePage page = store.queryInstances(query.apply(InstanceQuery.builder()).build());
        assertThat(page.continuationToken()).as("everything fits one page").isNull();
        return page.instances().stream().map(InstanceMetadata::instanceId).toList();
    }

    @Test
    void query_withoutFilters_returnsEveryInstanceInCreatedOrderWithAllFields() {
        OrchestrationStore store = newTaskHub();
        Map<String, InstanceMetadata> seeded = seed(store);

        InstancePage page = store.queryInstances(InstanceQuery.all());

        assertThat(page.instances()).containsExactlyElementsOf(seeded.values());
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void query_byCreatedRange_includesBothBounds() {
        OrchestrationStore store = newTaskHub();
        Map<String, InstanceMetadata> seeded = seed(store);
        Instant from = seeded.get("order-2").createdAt();
        Instant to = seeded.get("invoice-1").createdAt();

        assertThat(ids(store, q -> q.createdFrom(from).createdTo(to))).containsExactly("order-2", "invoice-1");
        assertThat(ids(store, q -> q.createdFrom(from))).containsExactly("order-2", "invoice-1", "invoice-2");
        assertThat(ids(store, q -> q.createdTo(from))).containsExactly("order-1", "order-2");
    }

    @Test
    void query_byStatuses_returnsInstancesInAnyOfThem() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.statuses(RuntimeStatus.Completed, RuntimeStatus.Failed)))
                .containsExactly("order-1", "invoice-1");
        assertThat(ids(store, q -> q.statuses(RuntimeStatus.Pending))).containsExactly("invoice-2");
        assertThat(ids(store, q -> q.statuses(RuntimeStatus.Terminated))).isEmpty();
    }

    @Test
    void query_byInstanceIdPrefix_matchesTheStartOfTheId() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.instanceIdPrefix("order-"))).containsExactly("order-1", "order-2");
        assertThat(ids(store, q -> q.instanceIdPrefix("invoice-2"))).containsExactly("invoice-2");
        assertThat(ids(store, q -> q.instanceIdPrefix("rder"))).isEmpty();
    }

    @Test
    void query_byName_matchesTheWholeName() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.name("Invoice"))).containsExactly("invoice-1", "invoice-2");
        assertThat(ids(store, q -> q.name("Invo"))).isEmpty();
    }

    @Test
    void query_byLastUpdatedRange_includesBothBounds() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.lastUpdatedFrom(Y2022).lastUpdatedTo(Y2023)))
                .containsExactly("order-2", "invoice-1");
        assertThat(ids(store, q -> q.lastUpdatedTo(Y2021))).containsExactly("order-1");
        assertThat(ids(store, q -> q.lastUpdatedFrom(Y2023.plusMillis(1)))).containsExactly("invoice-2");
    }

    @Test
    void query_byParentInstanceId_returnsItsSubOrchestrations() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.parentInstanceId("order-1"))).containsExactly("invoice-1", "invoice-2");
        assertThat(ids(store, q -> q.parentInstanceId("order-2"))).isEmpty();
    }

    @Test
    void query_byCustomStatusPrefix_matchesTheStartOfTheJsonText() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.customStatusPrefix("\"sh"))).containsExactly("order-1");
        assertThat(ids(store, q -> q.customStatusPrefix("\""))).containsExactly("order-1", "order-2");
        assertThat(ids(store, q -> q.customStatusPrefix("shipped"))).isEmpty();
    }

    @Test
    void query_combiningFilters_returnsInstancesMatchingAllOfThem() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        assertThat(ids(store, q -> q.name("Order").statuses(RuntimeStatus.Running, RuntimeStatus.Failed)))
                .containsExactly("order-2");
        assertThat(ids(store, q -> q.parentInstanceId("order-1").statuses(RuntimeStatus.Failed)
                .instanceIdPrefix("invoice"))).containsExactly("invoice-1");
    }

    @Test
    void query_withoutInputsAndOutputs_leavesThePayloadsNullAndEverythingElseIntact() {
        OrchestrationStore store = newTaskHub();
        Map<String, InstanceMetadata> seeded = seed(store);

        InstancePage page = store.queryInstances(InstanceQuery.builder().fetchInputsAndOutputs(false).build());

        assertThat(page.instances()).allSatisfy(m -> {
            assertThat(m.input()).isNull();
            assertThat(m.output()).isNull();
            assertThat(m.customStatus()).isNull();
            assertThat(m).isEqualTo(seeded.get(m.instanceId()).toBuilder().input(null).output(null)
                    .customStatus(null).build());
        }).hasSize(4);
    }

    @Test
    void query_prefixFilters_treatSqlWildcardsAsPlainCharacters() {
        OrchestrationStore store = newTaskHub();
        createAndCheckpoint(store, "a%b", started("W", null), row -> row.customStatus("\"50%\""));
        createAndCheckpoint(store, "a_c", started("W", null), row -> row.customStatus("\"50_\""));
        createAndCheckpoint(store, "abc", started("W", null), row -> row.customStatus("\"50x\""));

        assertThat(ids(store, q -> q.instanceIdPrefix("a%"))).containsExactly("a%b");
        assertThat(ids(store, q -> q.instanceIdPrefix("a_"))).containsExactly("a_c");
        assertThat(ids(store, q -> q.customStatusPrefix("\"50%"))).containsExactly("a%b");
        assertThat(ids(store, q -> q.customStatusPrefix("\"50_"))).containsExactly("a_c");
    }

    @Test
    void query_whenNothingMatches_returnsAnEmptyLastPage() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        InstancePage page = store.queryInstances(InstanceQuery.builder().name("Nothing").build());

        assertThat(page.instances()).isEmpty();
        assertThat(page.continuationToken()).isNull();
    }

    @Test
    void query_pagingThroughManyPagesWhileInstancesComeAndGo_neitherSkipsNorRepeats() throws Exception {
        OrchestrationStore store = newTaskHub();
        List<String> kept = new ArrayList<>();
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String id = String.format("p%03d-kept", i);
            store.createInstance(id, started("Paged", null), Set.of());
            kept.add(id);
            if (i % 3 == 0) {
                String other = String.format("p%03d-doomed", i);
                store.createInstance(other, started("Paged", null), Set.of());
                doomed.add(other);
            }
        }
        // Meanwhile instances are inserted (after the paging position) and deleted (before and after it).
        CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 100; n++) {
                store.createInstance("new-" + n, started("Paged", null), Set.of());
                if (n < doomed.size()) {
                    store.purgeInstance(doomed.get((n * 37) % doomed.size()), EnumSet.allOf(RuntimeStatus.class));
                }
            }
        });

        List<InstanceMetadata> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            InstancePage page = store.queryInstances(InstanceQuery.builder().pageSize(7)
                    .fetchInputsAndOutputs(false).continuationToken(token).build());
            assertThat(page.instances().size()).isLessThanOrEqualTo(7);
            seen.addAll(page.instances());
            token = page.continuationToken();
            pages++;
        } while (token != null && pages < 1000);
        churn.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        List<String> seenIds = seen.stream().map(InstanceMetadata::instanceId).toList();
        assertThat(seenIds).doesNotHaveDuplicates();
        assertThat(seenIds.stream().filter(id -> id.endsWith("-kept")).toList()).containsExactlyElementsOf(kept);
        assertThat(pages).isGreaterThanOrEqualTo(250 / 7);
        for (int i = 1; i < seen.size(); i++) {
            InstanceMetadata previous = seen.get(i - 1);
            InstanceMetadata current = seen.get(i);
            int byTime = previous.createdAt().compareTo(current.createdAt());
            assertThat(byTime < 0 || (byTime == 0 && previous.instanceId().compareTo(current.instanceId()) < 0))
                    .as("%s sorts before %s", previous.instanceId(), current.instanceId()).isTrue();
        }
    }

    @Test
    void query_pagesWithFilters_continueWithTheSameFilters() {
        OrchestrationStore store = newTaskHub();
        for (int i = 0; i < 30; i++) {
            store.createInstance(String.format("f%02d", i), started(i % 2 == 0 ? "Even" : "Odd", null), Set.of());
        }
        List<String> seen = new ArrayList<>();
        InstanceQuery query = InstanceQuery.builder().name("Even").pageSize(4).build();
        do {
            InstancePage page = store.queryInstances(query);
            page.instances().forEach(m -> seen.add(m.instanceId()));
            query = query.toBuilder().continuationToken(page.continuationToken()).build();
        } while (query.continuationToken() != null);

        assertThat(seen).hasSize(15).allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 0).isSorted();
    }

    @Test
    void query_withAMalformedContinuationToken_throwsInvalidArgument() {
        OrchestrationStore store = newTaskHub();
        seed(store);

        for (String token : List.of("!!not-a-token!!", "%%%%", "not a token at all")) {
            assertThatThrownBy(() -> store.queryInstances(InstanceQuery.builder().continuationToken(token).build()))
                    .as(token).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("token");
        }
    }

    @Test
    void countInstances_countsMatchingInstancesPerStatus() {
        OrchestrationStore store = newTaskHub();
        seed(store);
        createAndCheckpoint(store, "order-3", started("Order", null),
                row -> row.runtimeStatus(RuntimeStatus.Completed));

        assertThat(store.countInstances(InstanceQuery.all())).isEqualTo(Map.of(RuntimeStatus.Completed, 2L,
                RuntimeStatus.Running, 1L, RuntimeStatus.Failed, 1L, RuntimeStatus.Pending, 1L));
        assertThat(store.countInstances(InstanceQuery.builder().name("Order").pageSize(1).build()))
                .as("filtered, paging ignored")
                .isEqualTo(Map.of(RuntimeStatus.Completed, 2L, RuntimeStatus.Running, 1L));
        assertThat(store.countInstances(InstanceQuery.builder().name("Nothing").build())).isEmpty();
    }

    @Test
    void countInstances_followEveryChangeOfStatus_replacementAndPurge() {
        OrchestrationStore store = newTaskHub();
        seed(store);
        store.createInstances(List.of(new NewInstance("batch-1", started("Order", null), Set.of()),
                new NewInstance("batch-2", started("Order", null), Set.of())));
        // order-1 (Completed) replaced by a new execution: Pending again; invoice-1 (Failed) purged.
        store.createInstance("order-1", started("Order", null), Set.of(RuntimeStatus.Completed));
        assertThat(store.purgeInstance("invoice-1", Set.of(RuntimeStatus.Failed))).isTrue();

        Map<RuntimeStatus, Long> expected = Map.of(RuntimeStatus.Pending, 4L, RuntimeStatus.Running, 1L);
        assertThat(store.countInstances(InstanceQuery.all())).isEqualTo(expected);
        assertThat(store.countInstances(InstanceQuery.builder().statuses(RuntimeStatus.Running,
                RuntimeStatus.Failed).build())).as("by status").isEqualTo(Map.of(RuntimeStatus.Running, 1L));
        assertThat(countedRowByRow(store)).as("the rows themselves").isEqualTo(expected);

        store.deleteTaskHub();
        assertThat(store.countInstances(InstanceQuery.all())).isEmpty();
    }

    /** Counts made by reading every instance, page by page: what any running count must agree with. */
    private static Map<RuntimeStatus, Long> countedRowByRow(OrchestrationStore store) {
        Map<RuntimeStatus, Long> counts = new java.util.EnumMap<>(RuntimeStatus.class);
        String token = null;
        do {
            InstancePage page = store.queryInstances(InstanceQuery.builder().continuationToken(token).build());
            page.instances().forEach(i -> counts.merge(i.runtimeStatus(), 1L, Long::sum));
            token = page.continuationToken();
        } while (token != null);
        return counts;
    }
}
