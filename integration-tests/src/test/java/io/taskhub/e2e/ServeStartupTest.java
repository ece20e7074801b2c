package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

    @Test
    void serve_withNoHttp_runsAWorkerOnly_thatRunsWhatTheCommandsStart() throws Exception {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE",
                dir.resolve("taskhub.db").toString()));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ServeProcess worker = taskhub.serve(dir.resolve("logs"), "--no-http", "--port", String.valueOf(port));
        try {
            CommandResult started = taskhub.run("start-new", "-n", "E1_HelloSequence", "--id", "worker-only-1");
            assertThat(started.exitCode()).as(started::describe).isZero();
            CommandResult waited = taskhub.run("wait", "--id", "worker-only-1", "--timeout", "60");
            assertThat(waited.exitCode()).as("the worker-only process ran it: %s", waited.describe()).isZero();

            CommandResult workers = taskhub.run("list-workers", "-o", "json");
            assertThat(workers.json().path("workers")).hasSize(1);
            assertThat(worker.stdout()).contains(ServeProcess.WORKER_ONLY).doesNotContain("Taskhub is serving");
            try (Socket probe = new Socket()) {
                assertThatThrownBy(() -> probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                        2000)).as("nothing listens on the HTTP port").isInstanceOf(IOException.class);
            }
        } finally {
            worker.stop();
        }
    }

    @Test
    void serve_onAPortInUse_orAnOpenAddressWithoutKeys_exits5_namingTheSettings() throws Exception {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE",
                dir.resolve("taskhub.db").toString()));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandResult inUse = taskhub.run("serve", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(inUse.exitCode()).as(inUse::describe).isEqualTo(5);
            assertThat(inUse.stderr()).as(inUse::describe).contains(String.valueOf(taken.getLocalPort()))
                    .contains("http.port");
            assertThat(inUse.stdout()).doesNotContain("Taskhub is serving");
        }

        CommandResult open = taskhub.run("serve", "--port", "0", "--set", "http.host=0.0.0.0");
        assertThat(open.exitCode()).as(open::describe).isEqualTo(5);
        assertThat(open.stderr()).as(open::describe).contains("without API keys").contains("http.apiKeys");

        CommandResult badHub = taskhub.run("serve", "--port", "0", "--set", "http.taskHubs=Good,no_good");
        assertThat(badHub.exitCode()).as(badHub::describe).isEqualTo(5);
        assertThat(badHub.stderr()).as(badHub::describe).contains("Setting 'http.taskHubs'").contains("no_good");
    }
}
