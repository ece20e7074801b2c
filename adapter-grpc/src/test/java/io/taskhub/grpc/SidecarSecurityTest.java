package io.taskhub.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With API keys set, a call without the key (metadata {@code x-functions-key}) or with a wrong one is refused. */
class SidecarSecurityTest extends SidecarTestBase {
    private static final String KEY = "grpc-key-0123456789";

    @Override
    protected GrpcConfig grpcConfig() {
        return super.grpcConfig().withApiKeys(List.of(KEY));
    }

    @Test
    void aCallWithoutTheKeyOrWithAWrongOne_isUnauthenticated_andWithItGoesThrough() throws Exception {
        // The base's client sends no key.
        assertThatThrownBy(() -> sdk.getInstanceMetadata("any", false)).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.UNAUTHENTICATED));
        for (String key : new String[] {"wrong-key", KEY}) {
            ManagedChannel channel = channel(key);
            try {
                DurableTaskClient client = new DurableTaskGrpcClientBuilder().grpcChannel(channel).build();
                if (key.equals(KEY)) {
                    assertThat(client.getInstanceMetadata("any", false).isInstanceFound()).isFalse();
                } else {
                    assertThatThrownBy(() -> client.getInstanceMetadata("any", false)).hasMessageContaining(
                            "UNAUTHENTICATED").hasMessageContaining("not valid");
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anOpenBind_isRefused() {
        assertThatThrownBy(() -> new TaskhubGrpcServer(new GrpcConfig("0.0.0.0", 0, List.of(), false, GrpcConfig.DEFAULT_WORK_ITEM_TIMEOUT), clients)
                .start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("without API keys");
    }
}
