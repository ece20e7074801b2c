package io.taskhub.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layers' rules that need no JVM start of the built command. */
class SettingsTest {
    @Test
    void theLaunchersOwnVariables_areNotSettings_andNotRefused() {
        Settings settings = Settings.load(null, Map.of("TASKHUB_JAVA_OPTS", "-Xmx512m", "TASKHUB_HTTP_PORT", "8080"),
                Map.of());

        assertThat(settings.getInt(Settings.HTTP_PORT)).isEqualTo(8080);
    }

    @Test
    void anUnknownTaskhubVariable_isRefused_namingIt() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("TASKHUB_HTTP_PROT", "8080"), Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("TASKHUB_HTTP_PROT");
    }

    @Test
    void flagsOverrideTheEnvironment_whichOverridesTheDefaults() {
        Settings settings = Settings.load(null, Map.of("TASKHUB_TASKHUB", "FromEnvironment"),
                Map.of("taskhub", "FromFlag"));

        assertThat(settings.get(Settings.TASK_HUB)).isEqualTo("FromFlag");
        assertThat(Settings.load(null, Map.of("TASKHUB_TASKHUB", "FromEnvironment"), Map.of())
                .get(Settings.TASK_HUB)).isEqualTo("FromEnvironment");
        assertThat(Settings.load(null, Map.of(), Map.of()).get(Settings.TASK_HUB)).isEqualTo("TaskHub");
    }
}
