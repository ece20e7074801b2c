package io.taskhub.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.model.ReusePolicy;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The lifecycle matrix of HTTP-API.md, row by row: one case per operation and status. */
class InstanceLifecycleTest {
    private static final String ALLOWED = "allowed";

    static Stream<Arguments> table() {
        return Stream.of(
                // operation, status, expected verdict
                row(ManagementOperation.TERMINATE, "Pending", ALLOWED),
                row(ManagementOperation.TERMINATE, "Running", ALLOWED),
                row(ManagementOperation.TERMINATE, "Suspended", ALLOWED),
                row(ManagementOperation.TERMINATE, "ContinuedAsNew", ALLOWED),
                row(ManagementOperation.TERMINATE, "Completed", "GONE"),
                row(ManagementOperation.TERMINATE, "Failed", "GONE"),
                row(ManagementOperation.TERMINATE, "Terminated", "GONE"),
                row(ManagementOperation.TERMINATE, "Canceled", "GONE"),

                row(ManagementOperation.SUSPEND, "Pending", ALLOWED),
                row(ManagementOperation.SUSPEND, "Running", ALLOWED),
                row(ManagementOperation.SUSPEND, "Suspended", "CONFLICT"),
                row(ManagementOperation.SUSPEND, "ContinuedAsNew", ALLOWED),
                row(ManagementOperation.SUSPEND, "Completed", "GONE"),
                row(ManagementOperation.SUSPEND, "Failed", "GONE"),
                row(ManagementOperation.SUSPEND, "Terminated", "GONE"),
                row(ManagementOperation.SUSPEND, "Canceled", "GONE"),

                row(ManagementOperation.RESUME, "Pending", "CONFLICT"),
                row(ManagementOperation.RESUME, "Running", "CONFLICT"),
                row(ManagementOperation.RESUME, "Suspended", ALLOWED),
                row(ManagementOperation.RESUME, "ContinuedAsNew", "CONFLICT"),
                row(ManagementOperation.RESUME, "Completed", "GONE"),
                row(ManagementOperation.RESUME, "Failed", "GONE"),
                row(ManagementOperation.RESUME, "Terminated", "GONE"),
                row(ManagementOperation.RESUME, "Canceled", "GONE"),

                row(ManagementOperation.REWIND, "Pending", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "Running", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "Suspended", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "ContinuedAsNew", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "Completed", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "Failed", ALLOWED),
                row(ManagementOperation.REWIND, "Terminated", "PRECONDITION_FAILED"),
                row(ManagementOperation.REWIND, "Canceled", "PRECONDITION_FAILED"),

                row(ManagementOperation.RAISE_EVENT, "Pending", ALLOWED),
                row(ManagementOperation.RAISE_EVENT, "Running", ALLOWED),
                row(ManagementOperation.RAISE_EVENT, "Suspended", ALLOWED),
                row(ManagementOperation.RAISE_EVENT, "ContinuedAsNew", ALLOWED),
                row(ManagementOperation.RAISE_EVENT, "Completed", "GONE"),
                row(ManagementOperation.RAISE_EVENT, "Failed", "GONE"),
                row(ManagementOperation.RAISE_EVENT, "Terminated", "GONE"),
                row(ManagementOperation.RAISE_EVENT, "Canceled", "GONE"),

                row(ManagementOperation.PURGE, "Pending", "CONFLICT"),
                row(ManagementOperation.PURGE, "Running", "CONFLICT"),
                row(ManagementOperation.PURGE, "Suspended", "CONFLICT"),
                row(ManagementOperation.PURGE, "ContinuedAsNew", "CONFLICT"),
                row(ManagementOperation.PURGE, "Completed", ALLOWED),
                row(ManagementOperation.PURGE, "Failed", ALLOWED),
                row(ManagementOperation.PURGE, "Terminated", ALLOWED),
                row(ManagementOperation.PURGE, "Canceled", ALLOWED),

                row(ManagementOperation.START, "Pending", "CONFLICT"),
                row(ManagementOperation.START, "Running", "CONFLICT"),
                row(ManagementOperation.START, "Suspended", "CONFLICT"),
                row(ManagementOperation.START, "ContinuedAsNew", "CONFLICT"),
                row(ManagementOperation.START, "Completed", ALLOWED),
                row(ManagementOperation.START, "Failed", ALLOWED),
                row(ManagementOperation.START, "Terminated", ALLOWED),
                row(ManagementOperation.START, "Canceled", ALLOWED),

                row(ManagementOperation.RESTART, "Pending", "CONFLICT"),
                row(ManagementOperation.RESTART, "Running", "CONFLICT"),
                row(ManagementOperation.RESTART, "Suspended", "CONFLICT"),
                row(ManagementOperation.RESTART, "ContinuedAsNew", "CONFLICT"),
                row(ManagementOperation.RESTART, "Completed", ALLOWED),
                row(ManagementOperation.RESTART, "Failed", ALLOWED),
                row(ManagementOperation.RESTART, "Terminated", ALLOWED),
                row(ManagementOperation.RESTART, "Canceled", ALLOWED));
    }

    private static Arguments row(ManagementOperation operation, String status, String expected) {
        return Arguments.of(operation, RuntimeStatus.valueOf(status), expected);
    }

    @ParameterizedTest(name = "{0}_from{1}_is{2}")
    @MethodSource("table")
    void everyCellOfTheTable(ManagementOperation operation, RuntimeStatus status, String expected) {
        InstanceLifecycle.Verdict verdict = InstanceLifecycle.verdict(operation, status);
        if (expected.equals(ALLOWED)) {
            assertThat(verdict.allowed()).isTrue();
            assertThatCode(() -> InstanceLifecycle.check("id", operation, status)).doesNotThrowAnyException();
        } else {
            assertThat(verdict.refusal()).isEqualTo(Refusal.valueOf(expected));
        }
    }

    @Test
    void theTableHereNamesEveryOperationAndStatusPair_exactlyOnce() {
        List<String> cells = table().map(row -> row.get()[0] + "/" + row.get()[1]).toList();
        List<String> everyPair = new ArrayList<>();
        for (ManagementOperation operation : ManagementOperation.values()) {
            for (RuntimeStatus status : RuntimeStatus.values()) {
                everyPair.add(operation + "/" + status);
            }
        }
        assertThat(cells).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(everyPair);
    }

    @Test
    void terminate_fromCompleted_isGone_withAMessageNamingTheStatus() {
        assertThatThrownBy(() -> InstanceLifecycle.check("abc", ManagementOperation.TERMINATE, RuntimeStatus.Completed))
                .isInstanceOfSatisfying(IllegalInstanceStateException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(Refusal.GONE);
                    assertThat(e.status()).isEqualTo(RuntimeStatus.Completed);
                    assertThat(e.instanceId()).isEqualTo("abc");
                })
                .hasMessageContaining("abc").hasMessageContaining("Completed");
    }

    @Test
    void resume_fromRunning_isConflict_sayingItIsNotSuspended() {
        assertThatThrownBy(() -> InstanceLifecycle.check("abc", ManagementOperation.RESUME, RuntimeStatus.Running))
                .isInstanceOf(IllegalInstanceStateException.class)
                .hasMessage("Cannot resume instance 'abc': it is Running, not Suspended.");
    }

    @Test
    void start_overARunningInstance_isAlreadyExists_withTheDurableFunctionsMessage() {
        assertThatThrownBy(() -> InstanceLifecycle.check("abc", ManagementOperation.START, RuntimeStatus.Running))
                .isInstanceOf(InstanceAlreadyExistsException.class)
                .hasMessage("An Orchestration instance with the status Running already exists.");
    }

    @Test
    void reusePolicy_rejectIfActive_replacesOnlyFinishedInstances() {
        assertThat(InstanceLifecycle.replaceableStatuses(ReusePolicy.REJECT_IF_ACTIVE)).containsExactlyInAnyOrder(
                RuntimeStatus.Completed, RuntimeStatus.Failed, RuntimeStatus.Terminated, RuntimeStatus.Canceled);
        assertThat(InstanceLifecycle.replaceableStatuses(ReusePolicy.TERMINATE_AND_REPLACE))
                .isEqualTo(EnumSet.allOf(RuntimeStatus.class));
    }
}
