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

    @Test
    void activityThreads_default_to64OnPostgres_and16Elsewhere() {
        assertThat(Settings.of(Map.of()).getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(16);
        assertThat(Settings.of(Map.of("backend", "azure-storage")).getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(16);
        assertThat(Settings.of(Map.of("backend", "postgres")).getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(64);
        Settings fromTheEnvironment = Settings.load(null, Map.of("TASKHUB_BACKEND", "postgres"), Map.of());
        assertThat(fromTheEnvironment.getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(64);
        assertThat(fromTheEnvironment.describe()).containsEntry("worker.activityConcurrency", "64");
        // The default follows the backend in effect after every layer, not the one when the setting was looked at.
        assertThat(Settings.of(Map.of("backend", "postgres")).with(Map.of("backend", "sqlite"))
                .getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(16);
        assertThat(Settings.load(null, Map.of("TASKHUB_BACKEND", "sqlite"), Map.of("backend", "postgres"))
                .getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(64);
    }

    @Test
    void aGivenValue_winsOverTheBackendsDefault_inEveryLayer() {
        assertThat(Settings.of(Map.of("backend", "postgres", "worker.activityConcurrency", "16"))
                .getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(16);
        assertThat(Settings.of(Map.of("worker.activityConcurrency", "8")).with(Map.of("backend", "postgres"))
                .getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(8);
        assertThat(Settings.load(null, Map.of("TASKHUB_WORKER_ACTIVITYCONCURRENCY", "4"), Map.of("backend", "postgres"))
                .getInt(Settings.WORKER_ACTIVITIES)).isEqualTo(4);
    }

    @Test
    void aBackendsDefault_isCheckedLikeAGivenValue_forABackendThatExists() {
        assertThatThrownBy(() -> Settings.WORKER_CACHE.withDefaultOn("postgres", "many"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("worker.cachedInstances")
                .hasMessageContaining("many");
        assertThatThrownBy(() -> Settings.WORKER_CACHE.withDefaultOn("postgresql", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'postgresql'")
                .hasMessageContaining("sqlite, postgres, azure-storage");
    }
}
