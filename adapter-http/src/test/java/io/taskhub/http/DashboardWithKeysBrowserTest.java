package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard on a server with API keys: its own files are served to anyone, but nothing else shows until a key
 * is accepted, and the key then travels in the {@code x-functions-key} header of every request, never in a URL.
 */
class DashboardWithKeysBrowserTest extends DashboardTestBase {
    private static final String KEY = "dashboard-key-0123456789";

    @Override
    protected HttpConfig httpConfig() {
        return super.httpConfig().withApiKeys(List.of(KEY));
    }

    @Test
    void withoutAKey_onlyTheSignInFormShows_andWithOneEverythingWorks() {
        client().startNew(StartInstanceRequest.of("E1_HelloSequence", null).withInstanceId("secret-instance"));
        awaitStatus("secret-instance", RuntimeStatus.Completed);

        open("/instances");
        element("#api-key");
        assertThat(driver.findElement(By.cssSelector(".sections")).isDisplayed()).isFalse();
        assertThat(count("#instances")).isZero();
        assertThat(driver.getPageSource()).doesNotContain("secret-instance");

        type("#api-key", "not-the-key");
        click("#sign-in");
        until(d -> text("main [role='alert']").contains("The API key is not valid."));
        assertThat(count("#instances")).isZero();

        type("#api-key", KEY);
        click("#sign-in");
        until(d -> listedIds().equals(List.of("secret-instance")));

        // Another view and an action, with the key the tab keeps.
        open("/instances/secret-instance");
        until(d -> text("#output").contains("Hello Tokyo!"));
        click("[data-action='terminate']");
        click("dialog[open] #confirm");
        until(d -> text("#action-result").contains("Terminate refused (410)"));

        @SuppressWarnings("unchecked")
        List<String> requested = (List<String>) driver.executeScript(
                "return performance.getEntriesByType('resource').map(entry => entry.name);");
        assertThat(requested).isNotEmpty().noneMatch(url -> url.contains(KEY));
        assertThat(driver.getCurrentUrl()).doesNotContain(KEY);

        // Signing out forgets the key: the form is back, and stays after a reload.
        click("#sign-out");
        element("#api-key");
        driver.navigate().refresh();
        element("#api-key");
        assertThat(count("#instances")).isZero();
    }

    @Test
    void theDashboardsOwnFiles_needNoKey_butTheApiDoes() {
        Http.Reply page = http.get(base() + "/taskhub/ui/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
        assertThat(http.get(base() + "/taskhub/ui/app.js").status()).isEqualTo(200);
        assertThat(http.get(base() + "/taskhub/v1/counts").status()).isEqualTo(401);
        // Only the dashboard's listed files are public: any other path under it is an API path and needs the key.
        assertThat(http.get(base() + "/taskhub/ui/secret.json").status()).isEqualTo(401);
    }
}
