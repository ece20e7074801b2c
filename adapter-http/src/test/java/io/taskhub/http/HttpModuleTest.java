package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.client.TaskhubClients;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Guice module builds the server from an HttpConfig and a TaskhubClients binding, without any I/O. */
class HttpModuleTest {

    /** Clients that fail if anything touches them: building the server must not. */
    private static final class UntouchableClients implements TaskhubClients {
        @Override
        public String defaultTaskHub() {
            throw new AssertionError("touched while building");
        }

        @Override
        public TaskhubClient forTaskHub(String taskHub) {
            throw new AssertionError("touched while building");
        }
    }

    @Test
    void providesOneUnstartedServer_withTheConfig() {
        HttpConfig config = HttpConfig.defaults().withPort(0).withApiKeys(List.of("k"));
        Injector injector = Guice.createInjector(new HttpModule(config), new AbstractModule() {
            @Override
            protected void configure() {
                bind(TaskhubClients.class).toInstance(new UntouchableClients());
                bind(FunctionCatalog.class).toInstance(FunctionCatalog.NONE);
            }
        });

        TaskhubHttpServer server = injector.getInstance(TaskhubHttpServer.class);

        assertThat(server).isSameAs(injector.getInstance(TaskhubHttpServer.class));
        assertThat(server.config()).isEqualTo(config);
        assertThatThrownBy(server::port).as("nothing is bound until the caller starts it")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }
}
