package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} refuses to start on a bad setting, and says which. */
class ServeStartupTest {
    @TempDir
    Path dir;

    @Test
    void serve_withAnInvalidSetting_stopsAtStart_namingIt() {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE",
                dir.resolve("taskhub.db").toString(), "TASKHUB_WORKER_LEASESECONDS", "0.1"));

        CommandResult result = taskhub.run("serve", "--port", "0");

        assertThat(result.exitCode()).as(result::describe).isEqualTo(5);
        assertThat(result.stderr()).as(result::describe).contains("Setting 'worker.leaseSeconds'")
                .contains("accepted: 0.3 seconds or more");
        assertThat(result.stdout()).doesNotContain("Taskhub is serving");
    }

    @Test
    void serve_onAzureStorage_withABadAzureSetting_stopsAtStart_namingIt() {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of());
        Map<String, String> refusals = Map.of(
                "azure.partitionCount=17", "accepted: 1 to 16",
                "azure.partitionLeaseSeconds=1", "(1 s); accepted: at least 2 s",
                "azure.connectionString=AccountKey=c2VjcmV0", "UseDevelopmentStorage=true");
        refusals.forEach((setting, accepted) -> {
            CommandResult result = taskhub.run("serve", "--port", "0", "--backend", "azure-storage", "--set", setting);

            assertThat(result.exitCode()).as(result::describe).isEqualTo(5);
            String key = setting.substring(0, setting.indexOf('='));
            assertThat(result.stderr()).as(result::describe).contains("Setting '" + key + "'").contains(accepted)
                    .doesNotContain("c2VjcmV0");
            assertThat(result.stdout()).doesNotContain("Taskhub is serving");
        });
    }
}
