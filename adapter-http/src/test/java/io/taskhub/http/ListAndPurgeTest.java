package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** List (filters, paging, the continuation header) and purge (one, by filter, recursive). */
class ListAndPurgeTest extends HttpApiTestBase {

    @Test
    void list_pagesWithTheContinuationHeader_emptyOnTheLastPage() {
        Set<String> started = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            started.add(start("E1_HelloSequence", null));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Http.Reply page = token == null ? http.get(api("/instances?top=2"))
                    : http.get(api("/instances?top=2"), "x-ms-continuation-token", token);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.hasHeader("x-ms-continuation-token")).isTrue();
            page.json().forEach(s -> seen.add(s.get("instanceId").asText()));
            token = page.header("x-ms-continuation-token");
            pages++;
        } while (!token.isEmpty());

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(started);
    }

    @Test
    void list_singlePage_sendsAnEmptyContinuationHeader_andStatusObjectsWithoutHistory() {
        String id = start("E1_HelloSequence", null);
        awaitStatus(id, RuntimeStatus.Completed);

        Http.Reply reply = http.get(api("/instances?showHistory=true"));

        assertThat(reply.header("x-ms-continuation-token")).isEmpty();
        JsonNode only = reply.json().get(0);
        assertThat(only.get("instanceId").asText()).isEqualTo(id);
        assertThat(only.has("historyEvents")).isFalse();
        assertThat(only.has("input")).isTrue();
        assertThat(only.get("output").size()).isEqualTo(3);
    }

    @Test
    void list_filtersByStatus_commaListAndRepeated_unknownNamesDropped() {
        String done = start("E1_HelloSequence", null);
        String waiting = running();
        awaitStatus(done, RuntimeStatus.Completed);

        assertThat(ids(http.get(api("/instances?runtimeStatus=Running")))).containsExactly(waiting);
        assertThat(ids(http.get(api("/instances?runtimeStatus=Running,Completed"))))
                .containsExactlyInAnyOrder(waiting, done);
        assertThat(ids(http.get(api("/instances?runtimeStatus=Running&runtimeStatus=completed"))))
                .containsExactlyInAnyOrder(waiting, done);
        assertThat(ids(http.get(api("/instances?runtimeStatus=Bogus,Completed")))).containsExactly(done);
    }

    @Test
    void list_filtersByCreatedTime_prefix_andIgnoresUnparsableTimes() {
        Instant before = Instant.now().minusSeconds(1);
        http.post(api("/orchestrators/E1_HelloSequence/order-1"));
        http.post(api("/orchestrators/E1_HelloSequence/order-2"));
        http.post(api("/orchestrators/E1_HelloSequence/invoice-1"));

        assertThat(ids(http.get(api("/instances?instanceIdPrefix=order-"))))
                .containsExactlyInAnyOrder("order-1", "order-2");
        assertThat(ids(http.get(api("/instances?createdTimeFrom=" + before)))).hasSize(3);
        assertThat(ids(http.get(api("/instances?createdTimeTo=" + before)))).isEmpty();
        assertThat(ids(http.get(api("/instances?createdTimeFrom=yesterday-ish")))).hasSize(3);
    }

    @Test
    void list_taskhubFilters_name_customStatus_parent_lastUpdated() {
        String parent = http.postJson(api("/orchestrators/ParentWithChild/parent-1"), "{\"timeoutSeconds\":3600}")
                .json().get("id").asText();
        String approval = running();
        awaitStatus(parent + ":child", RuntimeStatus.Running);
        Instant now = Instant.now().plusSeconds(1);

        assertThat(ids(http.get(api("/instances?name=ParentWithChild")))).containsExactly(parent);
        assertThat(ids(http.get(api("/instances?customStatus=%22Wait"))))
                .containsExactlyInAnyOrder(approval, parent + ":child");
        assertThat(ids(http.get(api("/instances?parentInstanceId=" + parent)))).containsExactly(parent + ":child");
        assertThat(ids(http.get(api("/instances?lastUpdatedTimeFrom=" + now)))).isEmpty();
        assertThat(ids(http.get(api("/instances?lastUpdatedTimeTo=" + now)))).hasSize(3);
    }

    @Test
    void list_showInputFalse_leavesInputsNull_butShowsOutputsAndCustomStatus() {
        running();

        JsonNode first = http.get(api("/instances?showInput=false")).json().get(0);

        assertThat(first.get("input").isNull()).isTrue();
        assertThat(first.get("customStatus").asText()).isEqualTo("Waiting");
    }

    @Test
    void list_topOutOfRange_is400() {
        assertThat(http.get(api("/instances?top=0")).status()).isEqualTo(400);
        assertThat(http.get(api("/instances?top=many")).status()).isEqualTo(400);
    }

    @Test
    void purgeOne_finished_is200WithCount_thenGone() {
        String id = start("E1_HelloSequence", null);
        awaitStatus(id, RuntimeStatus.Completed);

        Http.Reply reply = http.delete(api("/instances/" + id));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"instancesDeleted\":1}");
        assertThat(http.get(api("/instances/" + id)).status()).isEqualTo(404);
        assertThat(http.delete(api("/instances/" + id)).status()).isEqualTo(404);
        assertThat(http.delete(api("/instances/" + id)).body()).isEmpty();
    }

    @Test
    void purgeOne_active_is409_andNothingIsDeleted() {
        String id = running();

        Http.Reply reply = http.delete(api("/instances/" + id));

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("Message").asText()).contains("Running");
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void purgeOne_recursive_removesFinishedSubOrchestrations_unlessToldNot() {
        String parent = http.postJson(api("/orchestrators/ParentWithChild/p-rec"), "{\"timeoutSeconds\":0}")
                .json().get("id").asText();
        awaitStatus(parent, RuntimeStatus.Completed);
        String other = http.postJson(api("/orchestrators/ParentWithChild/p-flat"), "{\"timeoutSeconds\":0}")
                .json().get("id").asText();
        awaitStatus(other, RuntimeStatus.Completed);

        assertThat(http.delete(api("/instances/" + parent)).json().get("instancesDeleted").asInt()).isEqualTo(2);
        assertThat(http.get(api("/instances/" + parent + ":child")).status()).isEqualTo(404);
        assertThat(http.delete(api("/instances/" + other + "?recursive=false")).json().get("instancesDeleted")
                .asInt()).isEqualTo(1);
        assertThat(http.get(api("/instances/" + other + ":child")).status()).isEqualTo(200);
    }

    @Test
    void purgeByFilter_withoutCreatedTimeFrom_is400WithTheJsonString() {
        Http.Reply reply = http.delete(api("/instances"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).isEqualTo("\"Please provide value for 'createdTimeFrom' parameter.\"");
    }

    @Test
    void purgeByFilter_deletesFinishedOnly_404WhenNothingMatches() {
        Instant from = Instant.now().minusSeconds(5);
        String done = start("E1_HelloSequence", null);
        String waiting = running();
        awaitStatus(done, RuntimeStatus.Completed);

        Http.Reply onlyRunning = http.delete(api("/instances?createdTimeFrom=" + from + "&runtimeStatus=Running"));
        assertThat(onlyRunning.status()).isEqualTo(404);

        Http.Reply reply = http.delete(api("/instances?createdTimeFrom=" + from));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.fieldNames()).containsExactly("instancesDeleted", "isComplete");
        assertThat(reply.json().get("instancesDeleted").asInt()).isEqualTo(1);
        assertThat(reply.json().get("isComplete").asBoolean()).isTrue();
        assertThat(http.get(api("/instances/" + done)).status()).isEqualTo(404);
        assertThat(metadata(waiting).runtimeStatus()).isEqualTo(RuntimeStatus.Running);

        assertThat(http.delete(api("/instances?createdTimeFrom=" + from)).status()).isEqualTo(404);
    }

    @Test
    void purgeByFilter_respectsCreatedTimeToAndStatuses() {
        Instant from = Instant.now().minusSeconds(5);
        String failed = start("RewindDemo", null);
        String done = start("E1_HelloSequence", null);
        awaitStatus(failed, RuntimeStatus.Failed);
        awaitStatus(done, RuntimeStatus.Completed);

        assertThat(http.delete(api("/instances?createdTimeFrom=" + from + "&createdTimeTo=" + from)).status())
                .isEqualTo(404);
        Http.Reply reply = http.delete(api("/instances?createdTimeFrom=" + from + "&runtimeStatus=Failed,Running"));
        assertThat(reply.json().get("instancesDeleted").asInt()).isEqualTo(1);
        assertThat(client().list(InstanceQuery.all()).instances()).extracting(m -> m.instanceId())
                .containsExactly(done);
    }

    private static List<String> ids(Http.Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().forEach(s -> ids.add(s.get("instanceId").asText()));
        return ids;
    }
}
