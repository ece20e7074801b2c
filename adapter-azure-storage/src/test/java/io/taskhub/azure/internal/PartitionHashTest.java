package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionHashTest {

    @Test
    void fnv1a_matchesTheReferenceValues() {
        // Published FNV-1a 32-bit test vectors.
        assertThat(Integer.toUnsignedString(PartitionHash.fnv1a(""), 16)).isEqualTo("811c9dc5");
        assertThat(Integer.toUnsignedString(PartitionHash.fnv1a("a"), 16)).isEqualTo("e40c292c");
        assertThat(Integer.toUnsignedString(PartitionHash.fnv1a("foobar"), 16)).isEqualTo("bf9cf968");
    }

    @Test
    void partitions_areStableAndInRange_andSpreadInstances() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            String id = "instance-" + i;
            int partition = PartitionHash.partitionOf(id, 4);
            assertThat(partition).isBetween(0, 3).isEqualTo(PartitionHash.partitionOf(id, 4));
            counts.merge(partition, 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void nonAsciiIds_hashTheirUtf8Bytes() {
        assertThat(PartitionHash.partitionOf("ünïcödé-😀", 16)).isBetween(0, 15);
        assertThat(PartitionHash.fnv1a("é")).isNotEqualTo(PartitionHash.fnv1a("e"));
    }
}
