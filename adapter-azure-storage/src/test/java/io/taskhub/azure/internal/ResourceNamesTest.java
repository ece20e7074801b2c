package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

    @Test
    void names_followTheDurableFunctionsLayout() {
        ResourceNames names = new ResourceNames("MyHub", 3);

        assertThat(names.controlQueues()).containsExactly("myhub-control-00", "myhub-control-01", "myhub-control-02");
        assertThat(names.workItemQueue()).isEqualTo("myhub-workitems");
        assertThat(names.tables()).containsExactly("MyHubInstances", "MyHubHistory", "MyHubPartitions",
                "MyHubPayloads");
    }

    @Test
    void theLongestTaskHubName_stillGivesValidNames() {
        ResourceNames names = new ResourceNames("h" + "x".repeat(44), 16);

        assertThat(names.controlQueue(15)).hasSizeLessThanOrEqualTo(63).endsWith("-control-15");
        assertThat(names.partitionsTable()).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void anInvalidTaskHubName_isRejectedWithTheRule() {
        assertThatThrownBy(() -> new ResourceNames("my-hub", 4)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("letters or digits");
    }

    @Test
    void queueNames_breakingAzureRules_areRejectedNamingTheRule() {
        for (String name : List.of("ab", "Upper-case", "double--hyphen", "-leading", "trailing-", "x".repeat(64))) {
            assertThatThrownBy(() -> ResourceNames.queue(name)).as(name).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("Azure queue name '" + name + "' is invalid");
        }
        assertThat(ResourceNames.queue("a-b-1")).isEqualTo("a-b-1");
    }

    @Test
    void tableNames_breakingAzureRules_areRejectedNamingTheRule() {
        for (String name : List.of("ab", "1abc", "has-dash", "Tables", "x".repeat(64))) {
            assertThatThrownBy(() -> ResourceNames.table(name)).as(name).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("Azure table name '" + name + "' is invalid");
        }
        assertThat(ResourceNames.table("HubHistory")).isEqualTo("HubHistory");
    }
}
