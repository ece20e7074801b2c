package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HttpConfig refuses values it cannot serve with, naming what would be accepted. */
class HttpConfigTest {

    @Test
    void rejectsBadValues_withHelpfulMessages() {
        HttpConfig ok = HttpConfig.defaults();

        assertThatThrownBy(() -> ok.withPort(70000)).hasMessageContaining("70000").hasMessageContaining("65535");
        assertThatThrownBy(() -> ok.withHost(" ")).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> ok.withApiKeys(Arrays.asList("k", " "))).hasMessageContaining("blank");
        assertThatThrownBy(() -> ok.withMaxRequestBytes(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ok.withPublicBaseUrl("ftp://x")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> ok.withPurgeTimeBudget(Duration.ofSeconds(-1))).hasMessageContaining("negative");
    }

    @Test
    void normalizesThePublicUrl_andCopiesKeys() {
        List<String> keys = new java.util.ArrayList<>(List.of("k"));
        HttpConfig config = HttpConfig.defaults().withPublicBaseUrl("https://taskhub.example.com//").withApiKeys(keys);
        keys.add("late");

        assertThat(config.publicBaseUrl()).isEqualTo("https://taskhub.example.com");
        assertThat(config.apiKeys()).containsExactly("k");
        assertThat(config.keysRequired()).isTrue();
    }
}
