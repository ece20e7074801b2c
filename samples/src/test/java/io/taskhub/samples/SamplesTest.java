package io.taskhub.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SamplesTest {
    private final ImmediateHarness harness = new ImmediateHarness();

    @Test
    void plugin_isFoundByServiceLoader_andRegistersEverySample() {
        assertThat(ServiceLoader.load(TaskhubPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(SamplesPlugin.class);
        assertThat(harness.orchestrators().keySet()).containsExactlyInAnyOrder(
                "e1_hellosequence", "fanoutfanin", "approval", "monitor", "rewinddemo", "parentwithchild");
        assertThat(harness.activities().keySet()).containsExactlyInAnyOrder(
                "e1_sayhello", "fanoutfanin_work", "rewinddemo_step", "rewinddemo_flaky");
    }

    @Test
    void helloSequence_greetsThreeCitiesInOrder() {
        var outcome = harness.run(HelloSequence.NAME, "hello", (Object) null);

        assertThat(outcome.output()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
    }

    @Test
    void fanOutFanIn_ofTen_sumsZeroToNine() {
        var outcome = harness.run(FanOutFanIn.NAME, "fan", "{\"count\": 10}");

        assertThat(outcome.output()).isEqualTo("45");
    }

    @Test
    void fanOutFanIn_withoutCount_failsNamingTheExpectedInput() {
        var outcome = harness.run(FanOutFanIn.NAME, "fan", (Object) null);

        assertThat(outcome.failure()).hasMessageContaining("{\"count\": N}");
    }

    @Test
    void approval_withEvent_returnsThePayloadAsSent() {
        harness.raise(Approval.EVENT, Map.of("approvedBy", "ana"));

        var outcome = harness.run(Approval.NAME, "approve", "{\"timeoutSeconds\": 30}");

        assertThat(outcome.output()).isEqualTo("{\"approvedBy\":\"ana\"}");
        assertThat(outcome.customStatus()).isEqualTo("\"Waiting\"");
    }

    @Test
    void approval_withoutEvent_timesOut() {
        var outcome = harness.run(Approval.NAME, "approve", "{\"timeoutSeconds\": 1}");

        assertThat(outcome.output()).isEqualTo("\"TimedOut\"");
        assertThat(outcome.customStatus()).isEqualTo("\"Waiting\"");
    }

    @Test
    void monitor_withoutRound_startsAtZero_andContinuesWithTheNextRound() {
        var outcome = harness.run(Monitor.NAME, "monitor", "{\"intervalSeconds\": 5}");

        assertThat(outcome.customStatus()).isEqualTo("{\"round\":0}");
        assertThat(outcome.continuedAsNewWith()).isEqualTo("{\"intervalSeconds\":5,\"round\":1}");
    }

    @Test
    void monitor_laterRound_reportsItsRound() {
        var outcome = harness.run(Monitor.NAME, "monitor", "{\"intervalSeconds\": 5, \"round\": 7}");

        assertThat(outcome.customStatus()).isEqualTo("{\"round\":7}");
        assertThat(outcome.continuedAsNewWith()).isEqualTo("{\"intervalSeconds\":5,\"round\":8}");
    }

    @Test
    void rewindDemo_failsFirst_thenRecovers() {
        String id = "rewind-" + UUID.randomUUID();

        var first = harness.run(RewindDemo.NAME, id, (Object) null);
        assertThat(first.failure()).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining(RewindDemo.FLAKY)
                .hasMessageContaining("IllegalStateException");

        // The harness has no history, so this second run re-runs the step too; an engine's rewind would not.
        var second = harness.run(RewindDemo.NAME, id, (Object) null);
        assertThat(second.output()).isEqualTo("\"Recovered\"");
        assertThat(RewindDemo.flakyRuns(id)).isEqualTo(2);
        assertThat(RewindDemo.stepRuns(id)).isEqualTo(2);
        assertThat(RewindDemo.stepRuns("unknown")).isZero();
    }

    @Test
    void parentWithChild_runsApprovalAsChild_withItsOwnInput() {
        var outcome = harness.run(ParentWithChild.NAME, "parent", "{\"timeoutSeconds\": 1}");

        assertThat(outcome.output()).isEqualTo("\"TimedOut\"");
        assertThat(harness.startedInstances).containsExactly("parent", "parent:child");
    }
}
