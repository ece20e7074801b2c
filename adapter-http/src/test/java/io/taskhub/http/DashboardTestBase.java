package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium ({@link Chromium}) against a real server on SQLite with a running
 * worker; each test opens the dashboard on its own task hub ({@code ?taskHub=}). After each test the browser's
 * console must hold no error but the refused requests the test made on purpose: a script error or a blocked
 * resource (the dashboard's content security policy) fails the test.
 */
abstract class DashboardTestBase extends HttpApiTestBase {
    static final int WIDTH = 1280;
    static final int HEIGHT = 800;

    protected ChromeDriver driver;

    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.SQLITE;
    }

    @BeforeAll
    void startBrowser() {
        driver = Chromium.start(WIDTH, HEIGHT);
    }

    @AfterAll
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void freshPage() {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, HEIGHT));
        driver.get(base() + "/taskhub/ui/app.css"); // same origin, so that the tab's storage can be cleared
        driver.executeScript("sessionStorage.clear()");
        driver.manage().logs().get(LogType.BROWSER); // drops what earlier tests left
    }

    @AfterEach
    void noScriptErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // Chromium logs each refused API request itself, and the tests make some on purpose; a file of the
                // dashboard that does not load still fails the test.
                .filter(message -> !(message.contains("Failed to load resource")
                        && (message.contains("/taskhub/v1/") || message.contains(WEBHOOK + "/"))))
                .toList();
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    /** Opens the dashboard on this test's task hub at {@code view} (a fragment such as {@code /instances}). */
    protected void open(String view) {
        driver.get(dashboardUrl(view));
    }

    protected String dashboardUrl(String view) {
        return base() + "/taskhub/ui/?taskHub=" + hub + "#" + view;
    }

    /** Waits that look again when the page re-rendered under them (it refreshes itself). */
    protected WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Waits for {@code condition}; a timeout says where the browser was and what the page said. */
    protected <T> T until(Function<WebDriver, T> condition) {
        try {
            return waiting().until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new org.openqa.selenium.TimeoutException(e.getMessage() + "\nThe page at " + driver.getCurrentUrl()
                    + " said:\n" + driver.executeScript("return document.body.innerText"), e);
        }
    }

    protected WebElement element(String css) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    protected void click(String css) {
        until(d -> {
            WebElement target = element(css);
            if (!target.isEnabled()) {
                return false;
            }
            target.click();
            return true;
        });
    }

    protected void type(String css, String text) {
        WebElement input = element(css);
        input.clear();
        input.sendKeys(text);
    }

    /** The text of the first element {@code css} matches, read in one step (the page re-renders as it refreshes). */
    protected String text(String css) {
        return until(d -> (String) ((JavascriptExecutor) d).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css));
    }

    /** The instance ids the list shows, in order. */
    @SuppressWarnings("unchecked")
    protected List<String> listedIds() {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll("
                + "'#instances tbody tr[data-instance-id]')].map(row => row.dataset.instanceId);");
    }

    /** Marks the page as it is now; {@link #stillMarked} tells whether it was rendered again since. */
    protected void mark() {
        driver.executeScript("document.querySelector('main h1').dataset.testMark = 'kept';");
    }

    protected boolean stillMarked() {
        return (Boolean) driver.executeScript(
                "const h = document.querySelector('main h1'); return !!h && h.dataset.testMark === 'kept';");
    }

    protected long count(String css) {
        return ((Number) driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css))
                .longValue();
    }

    /** Saves a screenshot when {@code -Dtaskhub.screenshots=DIR} is set (how the documentation's are made). */
    protected void screenshot(String name) throws java.io.IOException {
        String directory = System.getProperty("taskhub.screenshots");
        if (directory != null) {
            Path target = Path.of(directory).resolve(name + ".png");
            Files.createDirectories(target.getParent());
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, 1000)); // the whole page
            Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, HEIGHT));
        }
    }
}
