package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixesTest {
    @Test
    void successor_incrementsTheLastCodePoint() {
        assertThat(Prefixes.successor("order-")).isEqualTo("order.");
        assertThat(Prefixes.successor("a%")).isEqualTo("a&");
        assertThat(Prefixes.successor("😀")).isEqualTo("😁");
    }

    @Test
    void successor_jumpsOverTheSurrogateRange() {
        assertThat(Prefixes.successor("x\uD7FF")).isEqualTo("x\uE000");
    }

    @Test
    void successor_carriesPastTheGreatestCodePoint_orHasNone() {
        String max = new String(Character.toChars(Character.MAX_CODE_POINT));
        assertThat(Prefixes.successor("ab" + max)).isEqualTo("ac");
        assertThat(Prefixes.successor(max + max)).isNull();
    }

    @Test
    void leftCodePoints_countsCharactersAsPostgresDoes() {
        assertThat(Prefixes.leftCodePoints("😀😀😀", 2)).isEqualTo("😀😀");
        assertThat(Prefixes.leftCodePoints("ab", 5)).isEqualTo("ab");
    }
}
