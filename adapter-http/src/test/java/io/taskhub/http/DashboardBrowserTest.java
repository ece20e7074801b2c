package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.samples.Approval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The dashboard's views and actions, driven in a real browser as an operator would use them. */
class DashboardBrowserTest extends DashboardTestBase {
    private static final String HELLO_OUTPUT = "[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]";

    private String startWithId(String name, String id, String input) {
        return client().startNew(StartInstanceRequest.of(name, input).withInstanceId(id));
    }

    private String completedHello(String id) {
        startWithId("E1_HelloSequence", id, null);
        awaitStatus(id, RuntimeStatus.Completed);
        return id;
    }

    private String runningApproval(String id) {
        startWithId("Approval", id, "{\"timeoutSeconds\":3600}");
        awaitStatus(id, RuntimeStatus.Running);
        return id;
    }

    private Set<String> listed() {
        return new HashSet<>(listedIds());
    }

    // ---- the list ---------------------------------------------------------------------------------------------

    @Test
    void list_showsInstances_filtersByEveryControl_andTheUrlReproducesTheView() throws Exception {
        completedHello("order-1");
        completedHello("order-2");
        completedHello("invoice-1");
        runningApproval("order-3");
        runningApproval("invoice-2");

        open("/instances");
        until(d -> listed().equals(Set.of("order-1", "order-2", "order-3", "invoice-1", "invoice-2")));
        assertThat(text("#instances tr[data-instance-id='order-3']")).contains("Approval").contains("Running")
                .contains("Waiting"); // its custom status
        assertThat(text("#total")).startsWith("5 matching instances");
        screenshot("dashboard-instances");

        // Status (a checkbox) and the id prefix, applied from the keyboard.
        click("#status-Running");
        type("#filter-prefix", "order-");
        element("#filter-prefix").sendKeys(Keys.ENTER);
        until(d -> listed().equals(Set.of("order-3")));
        assertThat(driver.getCurrentUrl()).contains("runtimeStatus=Running").contains("instanceIdPrefix=order-");

        // The link reproduces the view in a new page: the same rows and the same controls set.
        String link = driver.getCurrentUrl();
        open("/jobs");
        driver.get(link);
        until(d -> listed().equals(Set.of("order-3")));
        assertThat(element("#status-Running").isSelected()).isTrue();
        assertThat(element("#status-Completed").isSelected()).isFalse();
        assertThat(element("#filter-prefix").getAttribute("value")).isEqualTo("order-");

        // Orchestrator name.
        click("#clear-filters");
        until(d -> listed().size() == 5);
        type("#filter-name", "Approval");
        click("#apply-filters");
        until(d -> listed().equals(Set.of("order-3", "invoice-2")));

        // Custom status (starts with).
        click("#clear-filters");
        type("#filter-custom-status", "\"Wait");
        click("#apply-filters");
        until(d -> listed().equals(Set.of("order-3", "invoice-2")));

        // Created and last-updated ranges: none created in the future; all updated since a minute ago.
        open("/instances?createdTimeFrom=2999-01-01T00:00:00Z");
        until(d -> text("#instances tbody").contains("No instance matches"));
        assertThat(element("#filter-created-from").getAttribute("value")).startsWith("2999-01-01T00:00");
        String minuteAgo = java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        open("/instances?lastUpdatedTimeFrom=" + minuteAgo + "&createdTimeTo=2999-01-01T00:00:00Z");
        until(d -> listed().size() == 5);

        // Parent instance id: the sub-orchestrations of one instance.
        awaitStatus(startWithId("ParentWithChild", "family", "{}"), RuntimeStatus.Completed);
        open("/instances");
        type("#filter-parent", "family");
        click("#apply-filters");
        until(d -> listed().equals(Set.of("family:child")));
    }

    @Test
    void countsBar_showsEachStatus_andFiltersWhenClicked() {
        completedHello("c-1");
        completedHello("c-2");
        runningApproval("r-1");

        open("/instances");
        until(d -> text(".counts").contains("Completed 2") && text(".counts").contains("Running 1"));
        click(".counts button[data-status='Completed']");
        until(d -> listed().equals(Set.of("c-1", "c-2")));
        assertThat(driver.getCurrentUrl()).contains("runtimeStatus=Completed");
        assertThat(element(".counts button[data-status='Completed']").getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(text("#total")).startsWith("2 matching instances");
        // Clicking it again shows every status.
        click(".counts button[data-status='Completed']");
        until(d -> listed().size() == 3);
    }

    @Test
    void paging_followsContinuationTokensBothWays() {
        for (int i = 0; i < 25; i++) {
            client().startNew(StartInstanceRequest.of("Approval", "{\"timeoutSeconds\":3600}")
                    .withInstanceId(String.format("page-%02d", i)));
        }
        open("/instances?top=20");
        until(d -> listedIds().size() == 20);
        click("#auto-refresh"); // paused, so that the page under test stays put
        assertThat(element("#auto-refresh").getText()).contains("paused");
        Set<String> first = listed();
        click("#next-page");
        until(d -> listedIds().size() == 5);
        Set<String> second = listed();
        assertThat(second).doesNotContainAnyElementsOf(first);
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        assertThat(all).hasSize(25);
        assertThat(element("#next-page").isEnabled()).isFalse();
        assertThat(text("#page-label")).isEqualTo("Page 2");
        click("#previous-page");
        until(d -> listed().equals(first));
        assertThat(element("#previous-page").isEnabled()).isFalse();
    }

    @Test
    void autoRefresh_showsNewInstances_untilPaused() {
        completedHello("before");
        open("/instances");
        until(d -> listed().equals(Set.of("before")));
        completedHello("during");
        until(d -> listed().equals(Set.of("before", "during"))); // within a refresh (5 s)
        click("#auto-refresh");
        completedHello("after");
        // A refresh period (5 s) later the paused list still shows what it showed.
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                .until(() -> listed().equals(Set.of("before", "during")));
    }

    // ---- an instance -------------------------------------------------------------------------------------------

    @Test
    void instancePage_showsOutputHistoryAndTimeline() throws Exception {
        String id = completedHello("hello-page");
        open("/instances/" + id);
        assertThat(text("#instance-status")).isEqualTo("Completed");
        assertThat(text("#instance-name")).isEqualTo("E1_HelloSequence");
        until(d -> text("#output").contains("\"Hello Tokyo!\""));
        assertThat(text("#output")).contains("\"Hello London!\"").contains("3 items");
        // The timeline: the execution and a bar per activity, each with its duration.
        assertThat(count("#timeline .track[data-kind='activity']")).isEqualTo(3);
        assertThat(count("#timeline .track[data-kind='execution']")).isEqualTo(1);
        assertThat(text("#timeline")).contains("activity E1_SayHello").containsPattern("\\d+ ms|\\d\\.\\d+ s");
        screenshot("dashboard-instance");
        // The table: every event, with what the history says.
        element("#tab-timeline").sendKeys(Keys.ARROW_RIGHT); // the tabs follow the arrow keys
        until(d -> "true".equals(element("#tab-table").getAttribute("aria-selected")));
        until(d -> count("#history-table tr[data-event='TaskCompleted']") == 3);
        assertThat(count("#history-table tr[data-event='TaskScheduled']")).isEqualTo(3);
        assertThat(text("#history-table")).contains("ExecutionCompleted").contains("Hello Seattle!");
        assertThat(driver.findElement(By.id("timeline")).isDisplayed()).isFalse();
    }

    @Test
    void instancePage_showsFailureDetails_parentAndChildLinks_andCutsLargeValues() {
        // A failure, with its type, message and stack trace.
        String failed = "failing";
        startWithId("RewindDemo", failed, null);
        awaitStatus(failed, RuntimeStatus.Failed);
        open("/instances/" + failed);
        until(d -> text("#failure").contains("IllegalStateException"));
        assertThat(text("#failure")).contains("fails on its first run");
        click("#failure summary");
        assertThat(element("#failure pre.stack").getText()).contains("at ");

        // Parent and child link to each other.
        String parent = startWithId("ParentWithChild", "parent", "{}");
        awaitStatus(parent, RuntimeStatus.Completed);
        open("/instances/" + parent);
        click("#children a");
        until(d -> "parent:child".equals(text("#instance-id")));
        click("#parent-link");
        until(d -> "parent".equals(text("#instance-id")));

        // A large output is cut, with a link that downloads all of it.
        String big = runningApproval("big");
        String payload = "\"" + "x".repeat(30_000) + "\"";
        client().raiseEvent(big, Approval.EVENT, payload);
        awaitStatus(big, RuntimeStatus.Completed);
        open("/instances/" + big);
        WebElement download = element("#output a[download]");
        assertThat(download.getText()).contains("30,002 characters");
        assertThat(download.getAttribute("href")).startsWith("blob:");
        assertThat(text("#output pre").length()).isLessThan(21_000);
    }

    @Test
    void instancePage_followsARunningInstance_andRestsOnceItFinished() {
        String id = runningApproval("followed");
        open("/instances/" + id);
        until(d -> "Running".equals(text("#instance-status")));
        client().raiseEvent(id, Approval.EVENT, "\"yes\"");
        until(d -> "Completed".equals(text("#instance-status"))); // shown again on its own (within 2 s)
        until(d -> text("#output").contains("yes"));
        mark();
        // Finished, it is not shown again: two refresh periods later the page is the same page.
        await().during(Duration.ofMillis(4_500)).atMost(Duration.ofSeconds(6)).until(this::stillMarked);
    }

    @Test
    void instancePage_saysWhenNoWorkerHasWhatTheInstanceNeeds() {
        // The task hub's only worker runs the hello sequence and nothing else.
        workers.forEach(worker -> worker.stop(Duration.ofSeconds(5)));
        workers.clear();
        OrchestrationRegistry helloOnly = new OrchestrationRegistry()
                .addOrchestrator("E1_HelloSequence", registry.orchestrator("E1_HelloSequence").orElseThrow())
                .addActivity("E1_SayHello", registry.activity("E1_SayHello").orElseThrow());
        workers.add(new TaskhubWorker(backend.taskHub(hub), helloOnly, workerOptions()).start());
        String id = startWithId("Approval", "orphan", "{\"timeoutSeconds\":60}");
        open("/instances/" + id);
        assertThat(text("#without-worker")).contains("no worker has orchestrator Approval");
        assertThat(text("#instance-status")).isEqualTo("Pending");
    }

    @Test
    void actions_eachAskForConfirmation_andShowTheAnswer() {
        String id = runningApproval("acted-on");
        open("/instances/" + id);

        // Cancelling a confirmation does nothing.
        click("[data-action='suspend']");
        element("dialog[open] #action-reason");
        click("dialog[open] #cancel");
        until(d -> count("dialog") == 0);
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        // Escape closes a confirmation too.
        click("[data-action='suspend']");
        element("dialog[open] #action-reason").sendKeys(Keys.ESCAPE);
        until(d -> count("dialog") == 0);

        act("suspend", "paused by the dashboard test");
        until(d -> text("#action-result").contains("Suspend: accepted."));
        awaitStatus(id, RuntimeStatus.Suspended);
        until(d -> "Suspended".equals(text("#instance-status")));

        act("resume", null);
        awaitStatus(id, RuntimeStatus.Running);
        until(d -> "Running".equals(text("#instance-status")));
        // The timeline shows what it waits on: the timer, and an event since its last step.
        assertThat(text("#timeline")).contains("timer until").contains("waiting since its last step")
                .contains("suspended");

        // Raise event: invalid JSON is refused in the form, nothing is sent.
        click("[data-action='raise-event']");
        type("dialog[open] #event-name", Approval.EVENT);
        type("dialog[open] #event-data", "{not json");
        click("dialog[open] #confirm");
        until(d -> text("dialog[open] .error").contains("The JSON is not valid"));
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        type("dialog[open] #event-data", "{\"approved\": true}");
        click("dialog[open] #confirm");
        until(d -> text("#action-result").contains("Raise event: accepted."));
        assertThat(awaitStatus(id, RuntimeStatus.Completed).output()).isEqualTo("{\"approved\":true}");
        until(d -> text("#timeline").contains("waited for event " + Approval.EVENT));

        // A refused action says why: terminating a finished instance.
        until(d -> "Completed".equals(text("#instance-status")));
        act("terminate", "too late");
        until(d -> text("#action-result").contains("Terminate refused (410)"));

        // Restart under a new id, with a link to the new instance.
        act("restart", null);
        until(d -> text("#action-result").contains("Restart: accepted."));
        String restarted = element("#restarted-link").getText();

        // Purge: gone for good, and the dashboard goes back to the list, saying so. Done at once after the restart:
        // the restart's re-render of this page, still due, must not replace the purge's answer with "no instance".
        driver.executeScript("window.notFoundShown = false; new MutationObserver(() => {"
                + " if (document.getElementById('not-found')) window.notFoundShown = true;"
                + " }).observe(document.body, {childList: true, subtree: true});");
        act("purge", null);
        assertThat(client().getStatus(id, StatusOptions.DEFAULT)).isEmpty();
        until(d -> d.getCurrentUrl().endsWith("#/instances") && text("#toast").equals("Purged " + id + "."));
        assertThat(driver.executeScript("return window.notFoundShown")).isEqualTo(false);

        assertThat(restarted).isNotEqualTo(id);
        assertThat(metadata(restarted).name()).isEqualTo("Approval");
    }

    @Test
    void actions_terminateAndRewind() {
        String running = runningApproval("to-terminate");
        open("/instances/" + running);
        act("terminate", "stopped from the dashboard");
        until(d -> text("#action-result").contains("Terminate: accepted."));
        assertThat(awaitStatus(running, RuntimeStatus.Terminated).output()).contains("stopped from the dashboard");

        // Rewind is refused for an instance that has not failed...
        act("rewind", null);
        until(d -> text("#action-result").contains("Rewind refused (412)"));

        // ...and re-runs what failed for one that has.
        String failed = "to-rewind";
        startWithId("RewindDemo", failed, null);
        awaitStatus(failed, RuntimeStatus.Failed);
        open("/instances/" + failed);
        act("rewind", "fixed the flaky step");
        until(d -> text("#action-result").contains("Rewind: accepted."));
        awaitStatus(failed, RuntimeStatus.Completed);
        until(d -> "Completed".equals(text("#instance-status")));
    }

    /** Clicks an action, fills in the reason when asked, and confirms. */
    private void act(String action, String reason) {
        click("[data-action='" + action + "']");
        if (reason != null) {
            type("dialog[open] #action-reason", reason);
        }
        click("dialog[open] #confirm");
        until(d -> count("dialog") == 0);
    }

    // ---- start -------------------------------------------------------------------------------------------------

    @Test
    void start_fromTheForm_validatesTheInput_andOpensTheNewInstance() {
        String blocker = runningApproval("taken");
        open("/start");
        Select names = new Select(element("#start-name"));
        until(d -> names.getOptions().stream().anyMatch(o -> o.getText().equals("E1_HelloSequence")));
        assertThat(names.getOptions()).noneMatch(o -> o.getText().equals(BulkJobs.ORCHESTRATOR));

        names.selectByVisibleText("Approval");
        type("#start-input", "{\"timeoutSeconds\": ");
        click("#start-submit");
        until(d -> text("#start-result").contains("The JSON is not valid"));

        type("#start-input", "{\"timeoutSeconds\": 3600}");
        type("#start-id", blocker);
        click("#start-submit");
        until(d -> text("#start-result").contains("Not started (409)"));

        names.selectByVisibleText("E1_HelloSequence");
        element("#start-input").clear();
        type("#start-id", "from-the-form");
        click("#start-submit");
        until(d -> "from-the-form".equals(text("#instance-id")));
        assertThat(awaitStatus("from-the-form", RuntimeStatus.Completed).output()).isEqualTo(HELLO_OUTPUT);
        until(d -> text("#output").contains("Hello Tokyo!"));
    }

    // ---- bulk jobs ---------------------------------------------------------------------------------------------

    @Test
    void bulkJob_statesHowManyItWillTouch_andShowsItsProgress() {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            targets.add(runningApproval("bulk-" + i));
        }
        completedHello("bulk-finished"); // matched, and refused: it cannot be suspended
        completedHello("other");

        open("/instances?instanceIdPrefix=bulk-");
        until(d -> listedIds().size() == 13);
        until(d -> element("#bulk-start").getText().equals("Do this to all 13 matching…"));
        new Select(element("#bulk-operation")).selectByValue("suspend");
        click("#bulk-start");
        assertThat(element("#bulk-summary").getAttribute("data-count")).isEqualTo("13");
        assertThat(text("dialog[open] h2")).isEqualTo("Suspend 13 instances?");
        type("dialog[open] #bulk-reason", "maintenance");
        click("dialog[open] #confirm");

        until(d -> d.getCurrentUrl().contains("#/jobs/" + BulkJobs.ID_PREFIX));
        until(d -> text("#job-status").contains("Completed"));
        until(d -> text("[data-progress='summary']")
                .equals("12 done, 1 refused, 0 remaining of 13 matched"));
        assertThat(text("#job-failures")).contains("bulk-finished");
        mark();
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(this::stillMarked);
        for (String id : targets) {
            assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Suspended);
        }
        assertThat(metadata("other").runtimeStatus()).isEqualTo(RuntimeStatus.Completed);

        // The job is listed on the jobs page.
        click(".sections a[data-section='jobs']");
        until(d -> text("#jobs").contains("suspend") && text("#jobs").contains("12 done"));
    }

    @Test
    void bulkButton_isOffForAFilterAJobWouldRefuse() {
        completedHello("any");
        open("/instances?runtimeStatus=Finished"); // no such status: the list (as Durable Functions) ignores it
        until(d -> listedIds().size() == 1);
        until(d -> !element("#bulk-start").isEnabled());
        assertThat(element("#bulk-start").getAttribute("title")).contains("Finished");
    }

    // ---- layout ------------------------------------------------------------------------------------------------

    @Test
    void phoneSizedWindow_hasNoSidewaysScrolling() {
        completedHello("narrow-" + "x".repeat(60));
        driver.manage().window().setSize(new Dimension(390, 844));
        open("/instances");
        until(d -> listedIds().size() == 1);
        assertThat(pageOverflows()).as("the list page is wider than the window").isFalse();
        open("/instances/narrow-" + "x".repeat(60));
        until(d -> text("#output").contains("Hello"));
        assertThat(pageOverflows()).as("the instance page is wider than the window").isFalse();
    }

    private boolean pageOverflows() {
        return (Boolean) driver.executeScript(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;");
    }

    @Test
    void everyControlHasALabel() {
        runningApproval("labelled");
        for (List<String> view : List.of(List.of("/instances", "#filters"), List.of("/instances/labelled", "#history"),
                List.of("/start", "#start-form"))) {
            open(view.get(0));
            element(view.get(1));
            List<String> unlabelled = unlabelledControls();
            assertThat(unlabelled).as("controls without a label on " + view.get(0)).isEmpty();
        }
        open("/instances/labelled");
        for (String action : List.of("raise-event", "terminate", "restart")) {
            click("[data-action='" + action + "']");
            element("dialog[open] #confirm");
            assertThat(unlabelledControls()).as("controls without a label in the " + action + " dialog").isEmpty();
            click("dialog[open] #cancel");
            until(d -> count("dialog") == 0);
        }
        open("/instances");
        new Select(element("#bulk-operation")).selectByValue("raiseEvent");
        click("#bulk-start");
        element("dialog[open] #confirm");
        assertThat(unlabelledControls()).as("controls without a label in the bulk dialog").isEmpty();
        click("dialog[open] #cancel");
    }

    @SuppressWarnings("unchecked")
    private List<String> unlabelledControls() {
        return (List<String>) driver.executeScript("return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
                + ".map(e => e.outerHTML);");
    }
}
