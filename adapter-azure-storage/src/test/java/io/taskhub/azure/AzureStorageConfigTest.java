package io.taskhub.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureStorageConfigTest {
    private static final String CONNECTION = "UseDevelopmentStorage=true";

    @Test
    void defaults_areFourPartitionsThirtySecondLeasesAndSevenDayDelays() {
        AzureStorageConfig config = AzureStorageConfig.builder().connectionString(CONNECTION).build();

        assertThat(config.partitionCount()).isEqualTo(4);
        assertThat(config.partitionLeaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.partitionRenewInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxVisibilityDelay()).isEqualTo(Duration.ofDays(7));
        assertThat(config.workerId()).isNotBlank();
    }

    @Test
    void partitionCount_outsideOneToSixteen_isRejectedNamingTheSetting() {
        for (int count : new int[] {0, 17}) {
            assertThatThrownBy(() -> AzureStorageConfig.builder().connectionString(CONNECTION).partitionCount(count)
                    .build()).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'partitionCount'")
                    .hasMessageContaining("1 to 16");
        }
    }

    @Test
    void missingConnection_isRejectedWithTheAlternatives() {
        assertThatThrownBy(() -> AzureStorageConfig.builder().build()).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("connection string").hasMessageContaining("queueEndpoint");
        assertThatThrownBy(() -> AzureStorageConfig.builder().queueEndpoint("http://q").tableEndpoint("http://t")
                .build()).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("accountName");
    }

    @Test
    void malformedConnectionString_isRejectedAtOnce_withoutRepeatingTheString() {
        String secret = "AccountName=acct;AccountKey=c2VjcmV0;TableEndpoint";
        for (String malformed : new String[] {"garbage", secret}) {
            assertThatThrownBy(() -> AzureStorageConfig.builder().connectionString(malformed).build())
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'connectionString'")
                    .hasMessageContaining("UseDevelopmentStorage=true").hasMessageNotContaining("c2VjcmV0");
        }
    }

    @Test
    void renewInterval_longerThanHalfTheLease_isRejected() {
        assertThatThrownBy(() -> AzureStorageConfig.builder().connectionString(CONNECTION)
                .partitionLeaseDuration(Duration.ofSeconds(10)).partitionRenewInterval(Duration.ofSeconds(6)).build())
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("'partitionRenewInterval'");
    }

    @Test
    void maxVisibilityDelay_beyondSevenDays_isRejected() {
        assertThatThrownBy(() -> AzureStorageConfig.builder().connectionString(CONNECTION)
                .maxVisibilityDelay(Duration.ofDays(8)).build()).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'maxVisibilityDelay'");
    }

    @Test
    void toString_neverShowsTheKey() {
        AzureStorageConfig config = AzureStorageConfig.builder().queueEndpoint("http://q").tableEndpoint("http://t")
                .accountName("acct").accountKey("c2VjcmV0").build();

        assertThat(config.toString()).doesNotContain("c2VjcmV0").contains("acct");
        String connection = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;"
                + "EndpointSuffix=core.windows.net";
        assertThat(AzureStorageConfig.builder().connectionString(connection).build().toString())
                .doesNotContain("c2VjcmV0");
    }
}
