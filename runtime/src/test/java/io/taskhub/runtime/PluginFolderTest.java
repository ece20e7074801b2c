package io.taskhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.runtime.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plugins.path}: every jar of the folder in a class loader of its own; what each registered is known by
 * jar; a name registered twice, a jar that cannot be loaded or a plugin that throws stops the start, naming the
 * jar and the name.
 */
class PluginFolderTest {
    @TempDir
    Path dir;
    private Path plugins;
    private Path work;

    @BeforeEach
    void folders() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        work = Files.createDirectories(dir.resolve("work"));
    }

    private Taskhub.Builder builder() {
        return Taskhub.builder().setting("sqlite.file", dir.resolve("plugins.db").toString())
                .setting("plugins.path", plugins.toString());
    }

    @Test
    void jarsInTheFolder_areLoadedSeparately_andTheirOrchestrationsRun() {
        PluginJars.greeter(work, "orders.jar", "com.example.orders", "PlaceOrder");
        PluginJars.greeter(work, "billing.jar", "com.example.billing", "Charge");
        moveJars();

        try (Taskhub taskhub = builder().start()) {
            assertThat(taskhub.functions()).anySatisfy(f -> {
                assertThat(f.name()).isEqualTo("PlaceOrder");
                assertThat(f.kind()).isEqualTo(FunctionCatalog.Kind.ORCHESTRATOR);
                assertThat(f.source()).endsWith("orders.jar");
            }).anySatisfy(f -> {
                assertThat(f.name()).isEqualTo("ChargeActivity");
                assertThat(f.kind()).isEqualTo(FunctionCatalog.Kind.ACTIVITY);
                assertThat(f.source()).endsWith("billing.jar");
            });
            String id = taskhub.client().startNew(StartInstanceRequest.of("Charge", null));
            InstanceMetadata done = taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            assertThat(done.output()).isEqualTo("\"from billing.jar\"");
        }
    }

    @Test
    void aNameInTwoJars_stopsTheStart_namingBothJars() {
        PluginJars.greeter(work, "first.jar", "com.example.one", "Shared");
        PluginJars.greeter(work, "second.jar", "com.example.two", "Shared");
        moveJars();

        assertThatThrownBy(() -> builder().start()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("registered twice").hasMessageContaining("Shared")
                .hasMessageContaining("first.jar").hasMessageContaining("second.jar");
    }

    @Test
    void aJarThatCannotBeLoaded_stopsTheStart_namingIt() throws IOException {
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");

        assertThatThrownBy(() -> builder().start()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("broken.jar");
    }

    @Test
    void aPluginThatThrows_stopsTheStart_namingTheJarAndThePlugin() {
        PluginJars.jar(work, "angry.jar", "com.example.angry.AngryPlugin",
                "throw new IllegalStateException(\"cannot reach the licence server\");");
        moveJars();

        assertThatThrownBy(() -> builder().start()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("angry.jar").hasMessageContaining("com.example.angry.AngryPlugin")
                .hasMessageContaining("cannot reach the licence server");
    }

    @Test
    void anApplicationsOwnPlugin_alsoListedForServiceLoader_registersOnce() {
        Path jar = PluginJars.greeter(work, "app.jar", "com.example.app", "AppGreeting");
        try (java.net.URLClassLoader app = new java.net.URLClassLoader(new java.net.URL[] {url(jar)},
                getClass().getClassLoader())) {
            io.taskhub.ports.orchestration.TaskhubPlugin own = java.util.ServiceLoader
                    .load(io.taskhub.ports.orchestration.TaskhubPlugin.class, app).stream()
                    .filter(p -> p.type().getClassLoader() == app).findFirst().orElseThrow().get();
            try (Taskhub taskhub = Taskhub.builder().setting("sqlite.file", dir.resolve("app.db").toString())
                    .classLoader(app).plugin(own).start()) {
                assertThat(taskhub.functions()).filteredOn(f -> f.name().equals("AppGreeting")).singleElement()
                        .satisfies(f -> assertThat(f.source()).startsWith("the application"));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.net.URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingFolder_stopsTheStart_namingTheSetting() {
        assertThatThrownBy(() -> Taskhub.builder().setting("sqlite.file", dir.resolve("x.db").toString())
                .setting("plugins.path", dir.resolve("nowhere").toString()).start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("plugins.path")
                .hasMessageContaining("nowhere");
    }

    private void moveJars() {
        try (var jars = Files.list(work)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.move(jar, plugins.resolve(jar.getFileName()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
