package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The dashboard's files and redirects, over plain HTTP: what is served, with which headers, and what is not. */
class DashboardRoutesTest extends HttpApiTestBase {
    @Test
    void theRootAndTheBareUiPath_redirectToTheDashboard_keepingTheTaskHub() {
        Http.Reply root = http.get(base() + "/");
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("Location")).isEqualTo("/taskhub/ui/");
        assertThat(http.get(base() + "/?taskHub=Orders").header("Location")).isEqualTo("/taskhub/ui/?taskHub=Orders");
        Http.Reply bare = http.get(base() + "/taskhub/ui");
        assertThat(bare.status()).isEqualTo(302);
        assertThat(bare.header("Location")).isEqualTo("/taskhub/ui/");
    }

    @Test
    void everyFile_isServedWithItsTypeAndAPolicyThatAllowsNothingInlineOrFramed() {
        Http.Reply page = http.get(base() + "/taskhub/ui/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.body()).contains("app.js").contains("app.css");
        assertThat(http.get(base() + "/taskhub/ui/app.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(http.get(base() + "/taskhub/ui/app.css").header("Content-Type")).startsWith("text/css");
        assertThat(http.get(base() + "/taskhub/ui/favicon.svg").header("Content-Type")).startsWith("image/svg+xml");
    }

    @Test
    void nothingButTheListedFiles_isServed() {
        assertThat(http.get(base() + "/taskhub/ui/missing.js").status()).isEqualTo(404);
        assertThat(http.get(base() + "/taskhub/ui/%2e%2e%2fDashboard.class").status()).isEqualTo(404);
        assertThat(http.get(base() + "/taskhub/ui/..%2f..%2fHttpModule.class").status()).isEqualTo(404);
    }
}
