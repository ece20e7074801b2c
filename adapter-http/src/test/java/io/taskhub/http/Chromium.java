package io.taskhub.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests: Debian's {@code chromium} and {@code chromium-driver} packages (or the
 * binaries named by {@code TASKHUB_TEST_CHROMIUM} and {@code TASKHUB_TEST_CHROMEDRIVER}). When they are missing
 * and this process may run apt-get (as root, or with password-less sudo), they are installed first; otherwise the
 * tests fail with the command that installs them. No browser is ever downloaded from elsewhere.
 */
final class Chromium {
    private static final Path BROWSER = Path.of(envOr("TASKHUB_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(envOr("TASKHUB_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final String INSTALL = "apt-get install -y chromium chromium-driver";

    private Chromium() {
    }

    /** A new headless browser with its own empty profile, its window {@code width}×{@code height}. */
    static ChromeDriver start(int width, int height) {
        ensureInstalled();
        Path profile;
        try {
            profile = Files.createTempDirectory("taskhub-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // Without the background-networking flags Chromium keeps calling Google's hosts, which a closed network
        // refuses; no sandbox because CI runs as root.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--lang=en-US", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL")); // the console, for the tests
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    private static synchronized void ensureInstalled() {
        if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
            return;
        }
        List<String> sudo = isRoot() ? List.of() : canSudo() ? List.of("sudo", "-n") : null;
        if (sudo == null) {
            throw new AssertionError("The browser tests need Debian's Chromium and its driver (" + BROWSER + ", "
                    + DRIVER + "), and this user cannot install them. Run: sudo " + INSTALL + " (or set"
                    + " TASKHUB_TEST_CHROMIUM and TASKHUB_TEST_CHROMEDRIVER).");
        }
        // Test JVMs run side by side: one installs while the others wait for it.
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "taskhub-chromium-install.lock");
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
                return;
            }
            if (run(sudo, "apt-get", "install", "-y", "-q", "chromium", "chromium-driver") != 0) {
                run(sudo, "apt-get", "update", "-q");
                run(sudo, "apt-get", "install", "-y", "-q", "chromium", "chromium-driver");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("Installing Chromium for the browser tests failed (see the apt-get output"
                    + " above); install it with: " + INSTALL);
        }
    }

    private static int run(List<String> prefix, String... command) {
        List<String> full = new java.util.ArrayList<>(prefix);
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).inheritIO();
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean canSudo() {
        return run(List.of(), "sudo", "-n", "true") == 0;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
