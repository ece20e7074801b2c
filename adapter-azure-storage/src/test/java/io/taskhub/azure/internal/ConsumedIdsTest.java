package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsumedIdsTest {

    @Test
    void ids_roundTripThroughTheirBinaryForm() {
        String id = UUID.randomUUID().toString();
        ConsumedIds ids = ConsumedIds.empty().plus(List.of(id, "not-a-uuid"), Instant.now());

        ConsumedIds read = ConsumedIds.fromBytes(ids.toBytes());

        assertThat(read.contains(id)).isTrue();
        assertThat(read.contains("not-a-uuid")).isTrue();
        assertThat(read.contains(UUID.randomUUID().toString())).isFalse();
    }

    @Test
    void idsOlderThanTheWindow_areForgotten() {
        String old = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ConsumedIds ids = ConsumedIds.empty().plus(List.of(old), now.minus(ConsumedIds.WINDOW).minusSeconds(1));

        ConsumedIds next = ids.plus(List.of(UUID.randomUUID().toString()), now);

        assertThat(next.contains(old)).isFalse();
        assertThat(next.size()).isEqualTo(1);
    }

    @Test
    void beyondTheCapacity_theOldestAreForgotten_andTheFormFitsOneProperty() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < ConsumedIds.CAPACITY + 10; i++) {
            many.add(UUID.randomUUID().toString());
        }

        ConsumedIds ids = ConsumedIds.empty().plus(many, Instant.now());

        assertThat(ids.size()).isEqualTo(ConsumedIds.CAPACITY);
        assertThat(ids.contains(many.get(0))).isFalse();
        assertThat(ids.contains(many.get(many.size() - 1))).isTrue();
        assertThat(ids.toBytes().length).isLessThanOrEqualTo(64 * 1024);
    }
}
