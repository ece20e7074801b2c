package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresConfigTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    @Test
    void defaults_andEmptyCredentialsMeanNone() {
        PostgresConfig config = new PostgresConfig(URL, "", "", null, 4, null);

        assertThat(config.schema()).isEqualTo("taskhub");
        assertThat(config.user()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.maxPollInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void invalidSettings_areRefusedWithTheAcceptedForm() {
        assertThatThrownBy(() -> PostgresConfig.of("jdbc:mysql://x/y", "u", null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> PostgresConfig.of(URL, "u", null).withSchema("public; DROP"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> PostgresConfig.of(URL, "u", null).withPoolSize(0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> PostgresConfig.of(URL, "u", null).withMaxPollInterval(Duration.ZERO))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void synchronousCommit_takesPostgresValuesOnly_andNoneMeansTheServers() {
        PostgresConfig config = PostgresConfig.of(URL, "u", null).withSynchronousCommit("off").withPoolSize(3);

        assertThat(config.synchronousCommit()).isEqualTo("off");
        assertThat(config.poolSize()).isEqualTo(3);
        assertThat(config.withSynchronousCommit("").synchronousCommit()).isNull();
        assertThat(config.withSynchronousCommit(" OFF ").synchronousCommit()).isEqualTo("off");
        assertThat(PostgresConfig.of(URL, "u", null).synchronousCommit()).isNull();
        assertThatThrownBy(() -> config.withSynchronousCommit("off -c fsync=off"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'off -c fsync=off'")
                .hasMessageContaining("remote_apply");
    }

    @Test
    void toString_leavesThePasswordOut() {
        assertThat(PostgresConfig.of(URL, "u", "s3cret").toString()).doesNotContain("s3cret");
    }
}
