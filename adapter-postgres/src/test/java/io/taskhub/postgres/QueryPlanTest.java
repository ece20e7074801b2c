package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.rules.ContinuationTokens;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.RuntimeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With 100,000 instances stored (and 20,000 waiting messages and activity tasks), every filter of the list and
 * count APIs, the keyset pagination, a purge chunk and the claims of work are answered from an index, never by a
 * sequential scan of the instances, inbox or activity tables: checked on the plans PostgreSQL makes for the
 * store's own SQL, both with the values bound (a custom plan) and as a prepared statement's generic plan, which
 * is what a long-running server ends up using.
 */
class QueryPlanTest {
    private static final String HUB = "plans";
    private static final int ROWS = 100_000;
    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

    private static PostgresSchema schema;
    private static InstanceQueries queries;

    @BeforeAll
    static void storeManyInstances() throws Exception {
        schema = PostgresSchema.create();
        queries = new InstanceQueries(new Tables(schema.name()), HUB);
        try (Connection c = schema.connect(); Statement st = c.createStatement()) {
            // One statement inserts them all; a second hub's rows make task_hub matter as it does in production.
            st.execute("INSERT INTO instances (task_hub, instance_id, execution_id, name, runtime_status, input,"
                    + " output, custom_status, created_at, last_updated_at, parent_instance_id, parent_execution_id,"
                    + " revision)"
                    + " SELECT CASE WHEN g % 10 = 0 THEN 'otherhub' ELSE '" + HUB + "' END,"
                    + " 'inst-' || lpad(g::text, 6, '0'), md5(g::text), 'Orchestrator' || (g % 50),"
                    + " CASE WHEN g % 1000 = 7 THEN 'Pending' WHEN g % 100 = 3 THEN 'Failed'"
                    + "      WHEN g % 100 = 5 THEN 'Running' ELSE 'Completed' END,"
                    + " '{\"n\":' || g || '}', '\"done\"', '{\"step\":' || (g % 1000) || '}',"
                    + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',"
                    + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 3600) * interval '1 second',"
                    + " CASE WHEN g % 25 = 0 THEN 'parent-' || (g / 500) END,"
                    + " CASE WHEN g % 25 = 0 THEN 'exec' END, 1"
                    + " FROM generate_series(1, " + ROWS + ") AS g");
            // Work waiting for a fifth of them: most not yet visible (timers), as in a busy hub.
            st.execute("INSERT INTO inbox (task_hub, instance_id, execution_id, event, visible_at)"
                    + " SELECT '" + HUB + "', 'inst-' || lpad((g * 5)::text, 6, '0'), 'e', '{}',"
                    + " now() + (g % 100) * interval '1 hour' FROM generate_series(1, 20000) AS g");
            st.execute("INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name, visible_at)"
                    + " SELECT '" + HUB + "', 'inst-' || lpad((g * 5)::text, 6, '0'), 'e', 0, 'Work',"
                    + " now() + (g % 100) * interval '1 hour' FROM generate_series(1, 20000) AS g");
            // What autovacuum does to a table this size soon after: statistics, and the visibility map that lets
            // counts be answered from an index alone.
            st.execute("VACUUM ANALYZE instances");
            st.execute("VACUUM ANALYZE inbox");
            st.execute("VACUUM ANALYZE activity_tasks");
        }
    }

    @AfterAll
    static void dropSchema() {
        schema.close();
    }

    static Map<String, UnaryOperator<InstanceQuery.Builder>> queries() {
        Map<String, UnaryOperator<InstanceQuery.Builder>> all = new LinkedHashMap<>();
        all.put("first page, no filter", q -> q);
        all.put("keyset page, no filter", q -> q.continuationToken(tokenAfter(50_000)));
        all.put("created range", q -> q.createdFrom(at(40_000)).createdTo(at(41_000)));
        all.put("created from, keyset", q -> q.createdFrom(at(10_000)).continuationToken(tokenAfter(60_000)));
        all.put("status, rare", q -> q.statuses(RuntimeStatus.Pending));
        all.put("statuses, two", q -> q.statuses(RuntimeStatus.Running, RuntimeStatus.Failed));
        all.put("status, keyset", q -> q.statuses(RuntimeStatus.Failed).continuationToken(tokenAfter(70_000)));
        all.put("instance id prefix", q -> q.instanceIdPrefix("inst-0421"));
        all.put("instance id prefix and status, keyset", q -> q.instanceIdPrefix("inst-04").statuses(
                RuntimeStatus.Failed).continuationToken(tokenAfter(40_500)));
        all.put("name", q -> q.name("Orchestrator7"));
        all.put("name, keyset", q -> q.name("Orchestrator7").continuationToken(tokenAfter(30_000)));
        all.put("last updated range", q -> q.lastUpdatedFrom(at(20_000)).lastUpdatedTo(at(20_500)));
        all.put("parent", q -> q.parentInstanceId("parent-77"));
        all.put("custom status prefix", q -> q.customStatusPrefix("{\"step\":42"));
        all.put("without payloads", q -> q.fetchInputsAndOutputs(false).statuses(RuntimeStatus.Pending));
        return all;
    }

    static List<String> queryNames() {
        return new ArrayList<>(queries().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryNames")
    void listQuery_usesAnIndex_withBoundValues(String name) throws Exception {
        InstanceQuery query = queries().get(name).apply(InstanceQuery.builder()).build();
        assertIndexedPlan(customPlan(queries.pageSql(query)));
        if (query.instanceIdPrefix() != null) {
            assertFindsFewWithPrefixByTheirIds(customPlan(queries.fewWithPrefixSql(query)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryNames")
    void listQuery_usesAnIndex_inAGenericPlan(String name) throws Exception {
        InstanceQuery query = queries().get(name).apply(InstanceQuery.builder()).build();
        assertIndexedPlan(genericPlan(queries.pageSql(query)));
        if (query.instanceIdPrefix() != null) {
            assertFindsFewWithPrefixByTheirIds(genericPlan(queries.fewWithPrefixSql(query)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryNames")
    void countQuery_usesAnIndex_withBoundValues(String name) throws Exception {
        assertCountPlan(customPlan(queries.countSql(queries().get(name).apply(InstanceQuery.builder()).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryNames")
    void countQuery_usesAnIndex_inAGenericPlan(String name) throws Exception {
        assertCountPlan(genericPlan(queries.countSql(queries().get(name).apply(InstanceQuery.builder()).build())));
    }

    /**
     * A step that leaves the status as it was changes, of the instance row's columns, only those below: no index
     * may read them, or its update writes a new entry into every index of the table instead of being a HOT update
     * (V12). The last-updated filters read the minute of the last update, which is indexed instead.
     */
    @org.junit.jupiter.api.Test
    void noIndexOfTheInstances_readsWhatAStepChanges() throws Exception {
        List<String> definitions = instanceIndexDefinitions();
        assertThat(definitions).anySatisfy(d -> assertThat(d).contains("(task_hub, updated_minute)"));
        for (String changedByAStep : List.of("last_updated_at", "revision", "lock_owner", "lock_token",
                "locked_until")) {
            assertThat(definitions).noneSatisfy(d -> assertThat(d).contains(changedByAStep));
        }
    }

    /**
     * The primary key carries the created time, status and name that a page with an id prefix reads of its few
     * candidates (V19): no second index on the ids, which every insert and change of status would write too.
     */
    @org.junit.jupiter.api.Test
    void theIdsAreIndexedOnce_byAKeyThatCarriesWhatAPrefixPageReads() throws Exception {
        List<String> definitions = instanceIndexDefinitions();
        assertThat(definitions).filteredOn(d -> d.contains("(task_hub, instance_id") && !d.contains(" WHERE "))
                .singleElement().asString().contains("UNIQUE INDEX instances_pkey")
                .endsWith("(task_hub, instance_id) INCLUDE (created_at, runtime_status, name)");
    }

    /** The definitions of the instance table's indexes, as {@code pg_indexes} gives them. */
    private List<String> instanceIndexDefinitions() throws Exception {
        List<String> definitions = new ArrayList<>();
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = 'instances'")) {
            ps.setString(1, schema.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    definitions.add(rs.getString(1));
                }
            }
        }
        return definitions;
    }

    @org.junit.jupiter.api.Test
    void aPrefixThatFewHave_readsTheSamePagesSorted_asInCreatedOrder_andManyFallBack() throws Exception {
        InstanceQuery.Builder failedWithPrefix = InstanceQuery.builder().instanceIdPrefix("inst-04")
                .statuses(RuntimeStatus.Failed, RuntimeStatus.Pending).pageSize(25);
        try (Connection c = schema.connect()) {
            List<String> sorted = allPages(c, failedWithPrefix, true);
            assertThat(sorted).hasSizeGreaterThan(50).isEqualTo(allPages(c, failedWithPrefix, false));
            assertThat(read(c, queries.fewWithPrefixSql(InstanceQuery.builder().instanceIdPrefix("inst-04")
                    .build()))).as("9,000 of the hub's ids are few").hasSize(101);
            assertThat(read(c, queries.fewWithPrefixSql(InstanceQuery.builder().instanceIdPrefix("inst-")
                    .build()))).as("90,000 are not: no rows, read in created order instead").isEmpty();
            assertThat(read(c, queries.fewWithPrefixSql(InstanceQuery.builder().instanceIdPrefix("none-")
                    .build()))).as("none").isEmpty();
        }
    }

    private static List<String> allPages(Connection c, InstanceQuery.Builder query, boolean fewWithPrefix)
            throws Exception {
        List<String> ids = new ArrayList<>();
        String token = null;
        do {
            InstanceQuery q = query.continuationToken(token).build();
            List<InstanceMetadata> page = read(c, fewWithPrefix ? queries.fewWithPrefixSql(q) : queries.pageSql(q));
            List<InstanceMetadata> shown = page.subList(0, Math.min(25, page.size()));
            shown.forEach(m -> ids.add(m.instanceId()));
            token = page.size() > 25 ? ContinuationTokens.encode(shown.get(shown.size() - 1)) : null;
        } while (token != null);
        return ids;
    }

    /** The instances a page's SQL reads (rows without an instance, as the few-with-prefix SQL gives, skipped). */
    private static List<InstanceMetadata> read(Connection c, InstanceQueries.Sql sql) throws Exception {
        List<InstanceMetadata> page = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.text())) {
            sql.bind(c, ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString("instance_id") != null) {
                        page.add(InstanceRows.read(rs));
                    }
                }
            }
        }
        return page;
    }

    @org.junit.jupiter.api.Test
    void purgeChunk_andTheCheckForMore_useAnIndex() throws Exception {
        Purges purges = new Purges(new Tables(schema.name()), HUB);
        PurgeFilter filter = new PurgeFilter(at(1_000), at(90_000), Set.of(RuntimeStatus.Completed,
                RuntimeStatus.Failed));
        for (InstanceQueries.Sql sql : List.of(purges.chunkSql(filter, 500), purges.remainingSql(filter))) {
            assertIndexedPlan(customPlan(sql));
            assertIndexedPlan(genericPlan(sql));
        }
    }

    /**
     * The plans these tests hold to their indexes are the ones the pool's connections use (generic, and reading no
     * table whole where an index would do), whatever rolls back.
     */
    @org.junit.jupiter.api.Test
    void thePoolsConnections_useGenericPlans_evenAfterARollback() {
        try (Database db = Database.open(schema.config())) {
            for (int i = 0; i < 3; i++) {
                try {
                    db.<Void>inTransaction(c -> {
                        throw new IllegalStateException("rolled back on purpose");
                    });
                } catch (IllegalStateException expected) {
                    // the transaction is gone; the connection goes back to the pool
                }
                List<String> settings = db.inTransaction(c -> {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name || '=' ||"
                            + " setting FROM pg_settings WHERE name IN ('plan_cache_mode', 'enable_seqscan')"
                            + " ORDER BY name DESC")) {
                        List<String> found = new ArrayList<>();
                        while (rs.next()) {
                            found.add(rs.getString(1));
                        }
                        return found;
                    }
                });
                assertThat(settings).containsExactly("plan_cache_mode=force_generic_plan", "enable_seqscan=off");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void claimsOfWork_useIndexes_onInstancesInboxAndTasks() throws Exception {
        Tables tables = new Tables(schema.name());
        Instant now = Instant.now();
        // As any worker claims, and as a worker that runs some of the names claims.
        String[] names = {"orchestrator7", "work"};
        OrchestrationWork orchestrations = new OrchestrationWork(tables, HUB, null, false);
        ActivityWork activities = new ActivityWork(tables, HUB, new MessageDelivery(tables, HUB));
        // The candidate, whether other instances have visible work, the lease, the taking of messages.
        List<Object> orchestration = List.of(HUB, now, now, HUB, now, now, "w", "token", now.plusSeconds(30), HUB,
                HUB, now, 100, true);
        List<Object> namedOrchestration = List.of(HUB, now, now, names, HUB, now, now, "w", "token",
                now.plusSeconds(30), HUB, HUB, now, 100, true);
        List<Object> activity = List.of("w", "token", now.plusSeconds(30), HUB, HUB, now, now);
        List<Object> namedActivity = List.of("w", "token", now.plusSeconds(30), HUB, HUB, now, now, names);
        // The claim made together with an activity's result.
        List<Object> withResult = List.of(HUB, "instance-42", now, now, "w", "token", now.plusSeconds(30), HUB, HUB,
                now, 100, false);
        List<Object> namedWithResult = List.of(HUB, "instance-42", now, names, now, "w", "token",
                now.plusSeconds(30), HUB, HUB, now, 100, false);
        for (InstanceQueries.Sql sql : List.of(
                new InstanceQueries.Sql(orchestrations.claimSql, orchestration),
                new InstanceQueries.Sql(orchestrations.claimNamedSql, namedOrchestration),
                new InstanceQueries.Sql(orchestrations.claimExceptSql, namedOrchestration),
                new InstanceQueries.Sql(orchestrations.claimInstanceSql, withResult),
                new InstanceQueries.Sql(orchestrations.claimInstanceNamedSql, namedWithResult),
                new InstanceQueries.Sql(activities.claimSql, activity),
                new InstanceQueries.Sql(activities.claimNamedSql, namedActivity),
                new InstanceQueries.Sql(activities.claimExceptSql, namedActivity),
                // Not a claim, but as frequent: an activity's result alone.
                new InstanceQueries.Sql(activities.completeSql, completion(now)),
                new InstanceQueries.Sql(activities.completeAndClaimSql, with(completion(now), activity.subList(0, 7))),
                new InstanceQueries.Sql(activities.completeAndClaimNamedSql,
                        with(completion(now), namedActivity)))) {
            assertNoSequentialScan(customPlan(sql));
            assertNoSequentialScan(genericPlan(sql));
        }
    }

    /** The parameters of an activity's completion (the task's fencing, the result's row). */
    private static List<Object> completion(Instant now) {
        return List.of(HUB, 42L, "token", now, HUB, "execution", "{}", now, 0, now, HUB, "instance-42");
    }

    private static List<Object> with(List<Object> first, List<Object> then) {
        List<Object> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    /**
     * The statements inside the functions that claim and commit in one call (V9) have plans of their own, which
     * EXPLAIN of the call does not show: auto_explain reports each of them to this connection as a notice while
     * a claim, a step's commit and a result's commit with its step run for real, first with custom plans, then
     * with the generic plans PL/pgSQL moves to after a few calls. (Loading auto_explain takes a superuser, which
     * the test tooling's own server and the usual local one give.)
     */
    @org.junit.jupiter.api.Test
    void statementsInsideTheClaimAndCommitFunctions_useIndexes() throws Exception {
        try (Connection c = keepingNotices(schema.connect()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            assumeSuperuser(st);
            // History for the bulk instances, so that the next-sequence lookup has a table worth an index.
            st.execute("INSERT INTO history_steps (task_hub, instance_id, sequence, execution_id, events)"
                    + " SELECT '" + HUB + "', 'inst-' || lpad(g::text, 6, '0'), s, 'e', ARRAY['{}']"
                    + " FROM generate_series(1, 20000) AS g, generate_series(0, 4) AS s");
            st.execute("ANALYZE history_steps");
            reportNestedPlans(st);
            List<String> plans = new ArrayList<>(claimAndCommit(schema, c, "plan-custom"));
            // The same with the handed activity recorded on the instance's row (V18), not as a task row.
            plans.addAll(claimAndCommit(schema, c, "plan-rowless-custom", true));
            st.execute("SET plan_cache_mode = force_generic_plan");
            plans.addAll(claimAndCommit(schema, c, "plan-generic"));
            plans.addAll(claimAndCommit(schema, c, "plan-rowless-generic", true));
            Tables tables = new Tables(schema.name());
            // Text found only in the functions' own statements (the claim statement around take_messages is
            // reported too, and checked elsewhere).
            for (String statement : List.of("taken_seq", "i.revision = p_revision", "lock_token = p_lease_token",
                    "DELETE FROM " + tables.tasks(), "DELETE FROM " + tables.inbox(), "max(h.sequence)",
                    "INSERT INTO " + tables.tasks(), "v_entry = ANY(i.handed)")) {
                assertThat(plans.stream().filter(plan -> plan.contains(statement)).count())
                        .as("plans of the statement with '%s', custom and generic", statement).isGreaterThanOrEqualTo(2);
            }
            assertThat(plans).allSatisfy(plan -> assertThat(plan).doesNotContain("\"Seq Scan\""));
        }
    }

    /**
     * Stores an instance with a visible message, claims it, commits a step that hands an activity over, and
     * commits that activity's result with the next step; returns the plans reported meanwhile.
     */
    private static List<String> claimAndCommit(PostgresSchema target, Connection c, String instanceId)
            throws Exception {
        return claimAndCommit(target, c, instanceId, false);
    }

    /** The same, with the handed activity recorded on the instance's row (V18) when {@code withoutRows}. */
    private static List<String> claimAndCommit(PostgresSchema target, Connection c, String instanceId,
            boolean withoutRows) throws Exception {
        Tables tables = new Tables(target.name());
        OrchestrationWork orchestrations = new OrchestrationWork(tables, HUB, new MessageDelivery(tables, HUB),
                withoutRows);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instances (task_hub, instance_id, execution_id,"
                + " name, runtime_status, created_at, last_updated_at, revision) VALUES (?, ?, 'e1', 'Orchestrator1',"
                + " 'Running', now(), now(), 1)")) {
            ps.setString(1, HUB);
            ps.setString(2, instanceId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox (task_hub, instance_id, execution_id,"
                + " event, visible_at) VALUES (?, ?, 'e1', ?, now() - interval '1 hour')")) {
            ps.setString(1, HUB);
            ps.setString(2, instanceId);
            ps.setString(3, JsonCodec.writeEvent(new io.taskhub.ports.history.EventRaised(Instant.now(), "go", "1")));
            ps.executeUpdate();
        }
        nestedPlans(c);
        Instant now = Instant.now();
        io.taskhub.ports.store.OrchestrationWorkItem item = orchestrations.claim(c, "planner",
                java.time.Duration.ofMinutes(1), 100, io.taskhub.ports.store.NameFilter.ANY, now).item().orElseThrow();
        assertThat(item.instanceId()).isEqualTo(instanceId);
        // Two tasks: one handed to the committer, one left for claims.
        List<io.taskhub.ports.store.ActivityTask> tasks = List.of(
                new io.taskhub.ports.store.ActivityTask(item.instanceId(), item.instance().executionId(), 0, "Work", "1"),
                new io.taskhub.ports.store.ActivityTask(item.instanceId(), item.instance().executionId(), 1, "Work", "2"));
        io.taskhub.ports.store.Checkpoint step = new io.taskhub.ports.store.Checkpoint(null,
                List.of(new io.taskhub.ports.history.OrchestratorStarted(now)), false, tasks, List.of());
        List<io.taskhub.ports.store.ActivityWorkItem> handed = orchestrations.complete(c, item, step,
                new io.taskhub.ports.store.TaskHandOff("planner", java.time.Duration.ofMinutes(1), 1,
                        io.taskhub.ports.store.NameFilter.ANY), now, new Notices(target.name(), HUB));
        assertThat(handed.get(0).receipt()).isInstanceOf(withoutRows ? ActivityWork.HandedReceipt.class
                : ActivityWork.TaskReceipt.class);
        io.taskhub.ports.store.Checkpoint next = new io.taskhub.ports.store.Checkpoint(null,
                List.of(new io.taskhub.ports.history.OrchestratorStarted(now)), false, List.of(), List.of());
        assertThat(orchestrations.completeWithStep(c, handed.get(0), item.instanceId(),
                item.instance().revision() + 1, next, null, now, new Notices(target.name(), HUB))).isPresent();
        return nestedPlans(c);
    }

    /**
     * The functions' looks at one instance's messages read that instance's messages (its index), also in generic
     * plans made while the tables were empty and never analyzed, as a server's first calls against a new schema
     * make them (kept for the connection's life).
     */
    @org.junit.jupiter.api.Test
    void statementsInsideTheFunctions_readOneInstancesMessages_evenPlannedOverEmptyTables() throws Exception {
        try (PostgresSchema empty = PostgresSchema.create();
                Connection c = keepingNotices(empty.connect()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            assumeSuperuser(st);
            reportNestedPlans(st);
            st.execute("SET plan_cache_mode = force_generic_plan");
            List<String> plans = claimAndCommit(empty, c, "plan-empty");
            // Taking the claimed instance's messages, deleting those a step consumed, the look for messages that
            // came meanwhile, and the result's step (which must find none). (The claim's search for work reads
            // the hub's visible messages: it is not a look at one instance.)
            assertThat(plans).filteredOn(plan -> plan.replace(" ", "").contains("\"RelationName\":\"inbox\"")
                    && !plan.contains("candidate_id")).as("plans reading one instance's messages")
                    .hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(plan -> assertThat(plan).doesNotContain("ix_inbox_visible")
                            .doesNotContain("\"Seq Scan\""));
            // The messages taken are then updated by their keys, not each looked for among all of the instance's
            // messages (a fan-in's claim of 100 messages from a backlog of thousands took 5 to 13 ms).
            assertThat(plans).filteredOn(plan -> plan.contains("dequeue_count = dequeue_count + 1"))
                    .as("plans of taking the claimed instance's messages").isNotEmpty()
                    .allSatisfy(plan -> assertThat(plan).contains("(seq = ANY ($").doesNotContain("Join Filter"));
        }
    }

    /**
     * A result's commit deletes its task by its key, also in generic plans made over a table a burst has just
     * churned: analyzed with a task or two live and the dead ones of thousands handed over, run and deleted, which
     * vacuum has not reclaimed yet (seen in bursts on a hub that had grown: the task was deleted through the index
     * of visible tasks, reading every task of the hub, and a result's commit cost four times as much).
     */
    @org.junit.jupiter.api.Test
    void aFinishedTask_isDeletedByItsKey_evenPlannedOverAChurnedTable() throws Exception {
        try (PostgresSchema churned = PostgresSchema.create();
                Connection c = keepingNotices(churned.connect()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            assumeSuperuser(st);
            st.execute("ALTER TABLE activity_tasks SET (autovacuum_enabled = false)");
            st.execute("INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name, visible_at,"
                    + " lock_owner, lock_token, locked_until) SELECT '" + HUB + "', 'burst-' || g, 'e', 0, 'Work',"
                    + " now(), 'w', 't', now() + interval '1 minute' FROM generate_series(1, 10000) AS g");
            st.execute("DELETE FROM activity_tasks WHERE instance_id <> 'burst-1'");
            st.execute("ANALYZE activity_tasks");
            reportNestedPlans(st);
            st.execute("SET plan_cache_mode = force_generic_plan");
            List<String> plans = claimAndCommit(churned, c, "plan-churned");
            assertThat(plans).filteredOn(plan -> plan.contains("DELETE FROM " + new Tables(churned.name()).tasks()))
                    .as("plans deleting the finished task").isNotEmpty()
                    .allSatisfy(plan -> assertThat(plan).contains("activity_tasks_pkey"));
        }
    }

    /**
     * Every statement of a claim, a step's commit and a result's commit reads its rows through an index, also in
     * generic plans made after the tables were analyzed while they held a row or two, as a new hub's queues are
     * (StatisticsKeeper analyzes a table once it changed, and a queue that stays small is not analyzed again). Such
     * a plan is kept for the connection's life, while a burst fills the tables with rows inserted and deleted: one
     * that read a table whole (cheap, for a table of one page) then read every dead row too, for each call. Seen in
     * bursts of hello sequences, where most deletions of finished tasks read the whole task table.
     */
    @org.junit.jupiter.api.Test
    void statementsInsideTheFunctions_useIndexes_evenPlannedOverTablesAnalyzedSmall() throws Exception {
        try (PostgresSchema small = PostgresSchema.create();
                Connection c = keepingNotices(small.connect()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            assumeSuperuser(st);
            claimAndCommit(small, c, "plan-before-analysis");
            st.execute("ANALYZE instances, inbox, activity_tasks, history_steps");
            reportNestedPlans(st);
            planAsThePoolDoes(st);
            List<String> plans = claimAndCommit(small, c, "plan-small");
            Tables tables = new Tables(small.name());
            for (String statement : List.of("taken_seq", "i.revision = p_revision", "lock_token = p_lease_token",
                    "DELETE FROM " + tables.tasks(), "DELETE FROM " + tables.inbox(), "max(h.sequence)")) {
                assertThat(plans).as("plans of the statement with '%s'", statement)
                        .anySatisfy(plan -> assertThat(plan).contains(statement));
            }
            assertThat(plans).allSatisfy(plan -> assertThat(plan).doesNotContain("\"Seq Scan\""));
            assertThat(plans).filteredOn(plan -> plan.contains("DELETE FROM " + tables.tasks()))
                    .as("plans deleting the finished task").isNotEmpty()
                    .allSatisfy(plan -> assertThat(plan).contains("activity_tasks_pkey"));
        }
    }

    /**
     * A claim of an activity task in a hub whose oldest 10,000 tasks are held (handed over with their steps, as in a
     * burst) reads a handful of buffers, not every held task: the unheld tasks and the leases have indexes of their
     * own (V14). Run for real (EXPLAIN ANALYZE) in a transaction rolled back, for both claims, with bound values and
     * in a generic plan (as the pool's connections run them), over a table analyzed with those tasks and over one
     * never analyzed: the tasks inserted in the same transaction, as a new schema's first fan-out is claimed before
     * any analysis (the look for expired leases then read every task of the hub, through the primary key or the
     * index of visible tasks).
     */
    @ParameterizedTest(name = "analyzed: {0}")
    @ValueSource(booleans = {true, false})
    void anActivityClaim_passesOverNoHeldTask(boolean analyzed) throws Exception {
        try (PostgresSchema held = PostgresSchema.create(); Connection c = held.connect();
                Statement st = c.createStatement()) {
            if (analyzed) {
                insertHeldTasksAndOneWaiting(st);
                st.execute("ANALYZE activity_tasks");
            }
            Tables tables = new Tables(held.name());
            ActivityWork activities = new ActivityWork(tables, HUB, new MessageDelivery(tables, HUB));
            c.setAutoCommit(false);
            for (String sql : List.of(activities.claimSql, activities.claimNamedSql)) {
                boolean named = sql.equals(activities.claimNamedSql);
                for (boolean generic : new boolean[] {false, true}) {
                    try {
                        if (!analyzed) {
                            insertHeldTasksAndOneWaiting(st);
                        }
                        JsonNode plan = generic ? genericClaimPlan(st, sql, named) : boundClaimPlan(c, sql, named);
                        assertThat(plan.path("Actual Rows").asLong()).as("the waiting task is claimed").isEqualTo(1);
                        assertThat(plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong())
                                .as("%s plan: %s", generic ? "generic" : "bound", plan.toPrettyString())
                                .isLessThan(60);
                    } finally {
                        c.rollback();
                    }
                }
            }
        }
    }

    /**
     * A batch of results with the claims of the next tasks reads the finished tasks by their keys and the next ones
     * through the indexes of a claim of one task, also in a generic plan made over tables never analyzed, with
     * 10,000 held tasks in the hub (joined to the batch's tasks, the deletion read every task of the hub).
     */
    @org.junit.jupiter.api.Test
    void aBatchOfResults_readsItsTasksByTheirKeys_evenPlannedOverTablesNeverAnalyzed() throws Exception {
        try (PostgresSchema empty = PostgresSchema.create();
                Connection c = keepingNotices(empty.connect()); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            assumeSuperuser(st);
            st.execute("INSERT INTO instances (task_hub, instance_id, execution_id, name, runtime_status,"
                    + " created_at, last_updated_at, revision) VALUES ('" + HUB + "', 'waiting', 'e', 'Fan',"
                    + " 'Running', now(), now(), 1)");
            insertHeldTasksAndOneWaiting(st);
            List<io.taskhub.ports.store.ActivityWorkItem> finished = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("INSERT INTO activity_tasks (task_hub, instance_id, execution_id,"
                    + " task_id, name, visible_at, lock_owner, lock_token, locked_until) SELECT '" + HUB + "',"
                    + " 'waiting', 'e', g, 'Work', now(), 'w', 'done-' || g, now() + interval '1 minute'"
                    + " FROM generate_series(1, 3) AS g RETURNING seq, task_id, lock_token")) {
                while (rs.next()) {
                    finished.add(new io.taskhub.ports.store.ActivityWorkItem(new io.taskhub.ports.store.ActivityTask(
                            "waiting", "e", rs.getInt(2), "Work", null), 1, new io.taskhub.ports.store.Lease("w",
                            rs.getString(3), Instant.now().plusSeconds(60)), new ActivityWork.TaskReceipt(
                            rs.getLong(1))));
                }
            }
            Tables tables = new Tables(empty.name());
            ActivityWork activities = new ActivityWork(tables, HUB, new MessageDelivery(tables, HUB));
            reportNestedPlans(st);
            st.execute("SET plan_cache_mode = force_generic_plan");
            nestedPlans(c);
            List<ActivityWork.Completion> batch = finished.stream().map(item -> new ActivityWork.Completion(item,
                    io.taskhub.ports.store.InstanceMessage.of("waiting", new io.taskhub.ports.history.TaskCompleted(
                            Instant.now(), item.task().taskId(), "1")))).toList();

            List<ActivityWork.Completed> outcomes = activities.completeAndClaimAll(c, batch,
                    new io.taskhub.ports.store.ActivityClaim("w", java.time.Duration.ofMinutes(1),
                            io.taskhub.ports.store.NameFilter.ANY), PgTime.truncate(Instant.now()),
                    new Notices(empty.name(), HUB)).orElseThrow();

            assertThat(outcomes).extracting(ActivityWork.Completed::done).containsOnly(true);
            assertThat(outcomes.get(0).claimed()).as("the waiting task").isPresent();
            assertThat(nestedPlans(c)).filteredOn(plan -> plan.contains("WITH input")).as("the batch's plan")
                    .singleElement().satisfies(plan -> assertThat(plan).contains("activity_tasks_pkey")
                            .doesNotContain("\"Seq Scan\"")
                            // (the index of lease ends may be read as a bitmap: it holds the expired leases only)
                            .doesNotContainPattern("Bitmap Index Scan\"[^}]*\"Index Name\": \"(activity_tasks_pkey"
                                    + "|ix_activity_tasks_visible|ix_activity_tasks_instance)\""));
        }
    }

    /** A claim run with bound values (EXPLAIN ANALYZE plans them as constants). */
    private static JsonNode boundClaimPlan(Connection c, String sql, boolean named) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            int i = 1;
            ps.setString(i++, "claimer");
            ps.setString(i++, "token");
            ps.setObject(i++, java.time.OffsetDateTime.now().plusMinutes(1));
            ps.setString(i++, HUB);
            ps.setString(i++, HUB);
            ps.setObject(i++, java.time.OffsetDateTime.now());
            ps.setObject(i++, java.time.OffsetDateTime.now());
            if (named) {
                ps.setArray(i, c.createArrayOf("text", new String[] {"work"}));
            }
            return readPlan(ps);
        }
    }

    /**
     * Plans from now on under the settings of the pool's connections. The other tests plan generically with the
     * planner's own costs, a stronger check: there an index is chosen on its merits, not because reading the table
     * whole is ruled out.
     */
    private static void planAsThePoolDoes(Statement st) throws Exception {
        for (String setting : Database.PLANNER_SETTINGS) {
            st.execute("SET " + setting);
        }
    }

    /** A claim run through a generic plan, as the pool's connections run it. */
    private static JsonNode genericClaimPlan(Statement st, String sql, boolean named) throws Exception {
        st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        st.execute("PREPARE claim AS " + numbered(sql));
        JsonNode plan;
        try (PreparedStatement ps = st.getConnection().prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)"
                + " EXECUTE claim('claimer', 'token', now() + interval '1 minute', '" + HUB + "', '" + HUB + "',"
                + " now(), now()" + (named ? ", '{work}'" : "") + ")")) {
            plan = readPlan(ps);
        }
        st.execute("DEALLOCATE claim"); // (after a failure the connection, closed with the test, drops it)
        return plan;
    }

    /** 10,000 held tasks of the hub, then one that nobody holds, all visible. */
    private static void insertHeldTasksAndOneWaiting(Statement st) throws Exception {
        st.execute("INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name, visible_at,"
                + " lock_owner, lock_token, locked_until) SELECT '" + HUB + "', 'held-' || g, 'e', 0, 'Work',"
                + " now() - interval '1 minute', 'w', 't' || g, now() + interval '1 minute'"
                + " FROM generate_series(1, 10000) AS g");
        st.execute("INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name, visible_at)"
                + " VALUES ('" + HUB + "', 'waiting', 'e', 0, 'Work', now() - interval '1 minute')");
    }

    /** Skips the test where auto_explain cannot be loaded: it takes a superuser. */
    private static void assumeSuperuser(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(rs.next() && rs.getBoolean(1),
                    "auto_explain can be loaded by a superuser only");
        }
    }

    /** Has auto_explain report the plan of every statement this session runs, nested ones too, as notices. */
    private static void reportNestedPlans(Statement st) throws Exception {
        for (String setting : List.of("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                "SET auto_explain.log_nested_statements = on", "SET auto_explain.log_format = json",
                "SET auto_explain.log_level = notice", "SET client_min_messages = notice")) {
            st.execute(setting);
        }
    }

    /** The plans auto_explain sent as notices (warnings of each statement) since the last look. */
    private static List<String> nestedPlans(Connection c) throws Exception {
        List<String> plans = new ArrayList<>(NOTICES);
        NOTICES.clear();
        return plans.stream().filter(notice -> notice.contains("\"Plan\"")).toList();
    }

    private static final List<String> NOTICES = new ArrayList<>();

    /**
     * The connection with every statement it prepares keeping its warnings in {@link #NOTICES} when closed (the
     * store's code closes its statements, and their warnings with them).
     */
    private static Connection keepingNotices(Connection c) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(QueryPlanTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(c, method, args);
                    if (result instanceof PreparedStatement ps) {
                        return java.lang.reflect.Proxy.newProxyInstance(QueryPlanTest.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                    if (m.getName().equals("close")) {
                                        for (java.sql.SQLWarning w = ps.getWarnings(); w != null;
                                                w = w.getNextWarning()) {
                                            NOTICES.add(w.getMessage());
                                        }
                                    }
                                    return invoke(ps, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static JsonNode customPlan(InstanceQueries.Sql sql) throws Exception {
        try (Connection c = schema.connect();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql.text())) {
            sql.bind(c, ps);
            return readPlan(ps);
        }
    }

    private static JsonNode genericPlan(InstanceQueries.Sql sql) throws Exception {
        try (Connection c = schema.connect(); Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE planned AS " + numbered(sql.text()));
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) EXECUTE planned("
                    + literals(sql.params()) + ")")) {
                return readPlan(ps);
            }
        }
    }

    /**
     * The relay's look for an instance's visible messages reads that instance's messages, in a generic plan made
     * over this busy hub and in one made while the inbox was empty and never analyzed (as on a server's first
     * statements against a new schema): such a plan is kept for the connection's life, and one that read every
     * visible message of the hub made each look cost as much as the hub's backlog.
     */
    @org.junit.jupiter.api.Test
    void theRelaysLookForVisibleWork_readsOnlyTheInstancesMessages_evenPlannedOverAnEmptyInbox() throws Exception {
        try (PostgresSchema empty = PostgresSchema.create()) {
            for (PostgresSchema target : List.of(empty, schema)) {
                try (Connection c = target.connect(); Statement st = c.createStatement()) {
                    st.execute("SET plan_cache_mode = force_generic_plan");
                    st.execute("PREPARE relay AS " + numbered(NotificationRelay.sendSql(new Tables(target.name()))));
                    try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) EXECUTE relay('{}', '{}',"
                            + " '{taskhub_work}', '{x}', '{" + HUB + "}', '{inst-000005}', now())")) {
                        JsonNode plan = readPlan(ps);
                        assertThat(plan.toString()).as(plan.toPrettyString()).contains("ix_inbox_instance")
                                .doesNotContain("ix_inbox_visible").doesNotContain("\"Seq Scan\"");
                    }
                }
            }
        }
    }

    /**
     * The housekeeping's look for activities handed without rows (V18) whose lease ran out runs every round in every
     * process: it reads the index of instances with entries (the activities in flight), never the instances.
     */
    @org.junit.jupiter.api.Test
    void theLookForHandedActivitiesWhoseLeaseRanOut_readsTheIndexOfInstancesWithEntries() throws Exception {
        try (Connection c = schema.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("UPDATE instances SET handed = ARRAY['e 0 t'], handed_owner = 'w',"
                    + " handed_until = now() + (substr(instance_id, 6)::int % 3 - 1) * interval '1 minute'"
                    + " WHERE task_hub = '" + HUB + "' AND instance_id < 'inst-000300'");
            st.execute("ANALYZE instances");
            st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            st.execute("PREPARE expired AS " + numbered(HandOffRecovery.expiredSql(new Tables(schema.name()))));
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) EXECUTE expired(now(), 100)")) {
                JsonNode plan = readPlan(ps);
                assertIndexedPlan(plan);
                assertThat(plan.toString()).as(plan.toPrettyString()).contains("ix_instances_handed");
            }
            c.rollback(); // the entries and the statistics they made
        }
    }

    /** No node of the plan reads a whole table of Taskhub's. */
    private static void assertNoSequentialScan(JsonNode plan) {
        assertThat(plan.toString()).as(plan.toPrettyString()).doesNotContain("\"Seq Scan\"");
    }

    @org.junit.jupiter.api.Test
    void keysetPage_seeksToTheLastKeyInTheIndex_ratherThanFilteringFromTheStart() throws Exception {
        InstanceQueries.Sql sql = queries.pageSql(InstanceQuery.builder().continuationToken(tokenAfter(90_000)).build());
        JsonNode plan;
        try (Connection c = schema.connect();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql.text())) {
            sql.bind(c, ps);
            plan = readPlan(ps);
        }
        assertThat(plan.toString()).as(plan.toPrettyString())
                .contains("\"Index Cond\":\"((task_hub = 'plans'::text) AND (ROW(created_at, instance_id) > ROW(");
    }

    private static JsonNode readPlan(PreparedStatement ps) throws Exception {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return JsonCodec.mapper().readTree(rs.getString(1)).get(0).get("Plan");
        }
    }

    /** A count reads the running counts (a few rows) or else the instances through an index. */
    private static void assertCountPlan(JsonNode plan) {
        if (plan.toString().contains("\"Relation Name\":\"status_counts\"")) {
            List<String> scans = new ArrayList<>();
            collectScans(plan, scans);
            assertThat(scans).as("the running counts, not the instances").isEmpty();
        } else {
            assertIndexedPlan(plan);
        }
    }

    /**
     * The few instances with a prefix are found through an index that starts with their ids, and sorted: not read in
     * created order, which passes over every older instance first.
     */
    private static void assertFindsFewWithPrefixByTheirIds(JsonNode plan) {
        assertIndexedPlan(plan);
        assertThat(plan.toString()).as(plan.toPrettyString()).doesNotContain("\"ix_instances_created\"")
                .contains("\"instances_pkey\"");
    }

    /** Every scan of the instances table goes through an index (a bitmap heap scan follows a bitmap index scan). */
    private static void assertIndexedPlan(JsonNode plan) {
        List<String> scans = new ArrayList<>();
        collectScans(plan, scans);
        assertThat(scans).as("scans of the instances table in %s", plan.toPrettyString())
                .isNotEmpty()
                .allMatch(scan -> scan.contains("Index") || scan.startsWith("Bitmap Heap Scan"));
    }

    /** "Node Type using index" for every scan node that reads the instances table or its indexes. */
    private static void collectScans(JsonNode node, List<String> scans) {
        String type = node.path("Node Type").asText();
        boolean instances = "instances".equals(node.path("Relation Name").asText())
                || node.path("Index Name").asText().startsWith("ix_instances")
                || node.path("Index Name").asText().startsWith("instances_");
        if (instances && type.endsWith("Scan")) {
            scans.add(type + " using " + node.path("Index Name").asText("-"));
        }
        for (JsonNode child : node.path("Plans")) {
            collectScans(child, scans);
        }
    }

    private static Instant at(int g) {
        return BASE.plusSeconds(g);
    }

    private static String tokenAfter(int g) {
        InstanceMetadata last = InstanceMetadata.builder(String.format("inst-%06d", g), "Orchestrator", "e")
                .createdAt(at(g)).build();
        return ContinuationTokens.encode(last);
    }

    /** The SQL with $1, $2, ... for its ? placeholders, as PREPARE wants (the store's SQL has no ? in literals). */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static String literals(List<Object> params) {
        List<String> out = new ArrayList<>();
        for (Object p : params) {
            if (p instanceof Instant instant) {
                out.add("timestamptz '" + PgTime.truncate(instant) + "'");
            } else if (p instanceof Integer || p instanceof Long || p instanceof Boolean) {
                out.add(p.toString());
            } else if (p instanceof String[] array) {
                List<String> items = new ArrayList<>();
                for (String s : array) {
                    items.add(quote(s));
                }
                out.add("ARRAY[" + String.join(", ", items) + "]::text[]");
            } else {
                out.add(quote((String) p));
            }
        }
        return String.join(", ", out);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
