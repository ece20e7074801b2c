package io.taskhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry traces, recorded by the SDK's in-memory exporter: one trace per instance, from the start request
 * through each step to each activity and sub-orchestration, its context stored with the instance and its tasks.
 */
class TracingTest {
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @TempDir
    Path dir;

    private InMemorySpanExporter exported;
    private SdkTracerProvider tracerProvider;
    private OpenTelemetry openTelemetry;

    @BeforeEach
    void sdk() {
        exported = InMemorySpanExporter.create();
        tracerProvider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
        openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    }

    @AfterEach
    void closeSdk() {
        tracerProvider.close();
    }

    /**
     * An orchestrator with an activity, a failing activity and a sub-orchestration; the activity opens a span of
     * its own with the application's OpenTelemetry.
     */
    private TaskhubPlugin plugin() {
        return registry -> registry
                .addActivity("Shout", ctx -> {
                    openTelemetry.getTracer("app").spanBuilder("inside Shout").startSpan().end();
                    return ctx.getInput(String.class).toUpperCase(java.util.Locale.ROOT) + "!";
                })
                .addActivity("Refuse", ctx -> {
                    throw new IllegalStateException("refused on purpose");
                })
                .addOrchestrator("Greet", ctx -> ctx.callActivity("Shout", ctx.getInput(String.class), String.class)
                        .await())
                .addOrchestrator("Traced", ctx -> {
                    String shouted = ctx.callActivity("Shout", "a", String.class).await();
                    try {
                        ctx.callActivity("Refuse", null, String.class).await();
                    } catch (TaskFailedException expected) {
                        // the span of the failed run is marked; the orchestration goes on
                    }
                    return shouted + ctx.callSubOrchestrator("Greet", "b", ctx.instanceId() + "-child", String.class)
                            .await();
                });
    }

    private Taskhub.Builder taskhub() {
        return Taskhub.builder().settings(Map.of("backend", "sqlite", "sqlite.file",
                dir.resolve("traced.db").toString(), "http.enabled", "true", "http.port", "0")).plugin(plugin());
    }

    @Test
    void startRequestWithTraceparent_makesOneTraceOfTheCreationStepsActivitiesAndChildren() throws Exception {
        try (Taskhub taskhub = taskhub().openTelemetry(openTelemetry).start()) {
            String id = startOverHttp(taskhub, "Traced", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
            assertThat(taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow().output())
                    .isEqualTo("\"A!B!\"");
            List<SpanData> spans = awaitSpans(s -> s.getName().equals("orchestration:Traced")
                    && s.getAttributes().asMap().toString().contains(id), 4);

            assertThat(spans).extracting(SpanData::getTraceId).containsOnly(CALLER_TRACE);
            SpanData creation = only(spans, "create_orchestration:Traced");
            assertThat(creation.getParentSpanId()).isEqualTo(CALLER_SPAN);
            assertThat(creation.getKind()).isEqualTo(SpanKind.PRODUCER);
            List<SpanData> parentSteps = named(spans, "orchestration:Traced");
            assertThat(parentSteps).extracting(SpanData::getParentSpanId).containsOnly(creation.getSpanId());
            Set<String> parentStepIds = ids(parentSteps);
            List<SpanData> childSteps = named(spans, "orchestration:Greet");
            assertThat(childSteps).isNotEmpty().extracting(SpanData::getParentSpanId).allMatch(parentStepIds::contains);
            Set<String> childStepIds = ids(childSteps);
            List<SpanData> shouts = named(spans, "activity:Shout");
            assertThat(shouts).hasSize(2);
            assertThat(shouts).filteredOn(s -> parentStepIds.contains(s.getParentSpanId())).hasSize(1);
            assertThat(shouts).filteredOn(s -> childStepIds.contains(s.getParentSpanId())).hasSize(1);
            assertThat(named(spans, "inside Shout")).extracting(SpanData::getParentSpanId)
                    .containsExactlyInAnyOrderElementsOf(ids(shouts));
            SpanData refused = only(spans, "activity:Refuse");
            assertThat(refused.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(refused.getStatus().getDescription()).contains("refused on purpose");
            assertThat(parentStepIds).contains(refused.getParentSpanId());
            assertThat(shouts.get(0).getAttributes().asMap().toString()).contains("taskhub.instance_id")
                    .contains("taskhub.task_hub=TaskHub");

            // Stored with the instance: the creation span's context, which any worker process continues.
            ExecutionStarted stored = storedStart(taskhub, id);
            assertThat(stored.traceParent()).isEqualTo("00-" + CALLER_TRACE + "-" + creation.getSpanId() + "-01");
        }
    }

    @Test
    void invalidTraceparent_isIgnored_andTheInstanceGetsATraceOfItsOwn() throws Exception {
        try (Taskhub taskhub = taskhub().openTelemetry(openTelemetry).start()) {
            String id = startOverHttp(taskhub, "Greet", "00-not-a-valid-header-01");
            assertThat(taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow()
                    .runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
            List<SpanData> spans = awaitSpans(s -> s.getName().equals("activity:Shout"), 1);

            SpanData creation = only(spans, "create_orchestration:Greet");
            assertThat(creation.getParentSpanContext().isValid()).as("a root span").isFalse();
            assertThat(spans).extracting(SpanData::getTraceId).containsOnly(creation.getTraceId());
        }
    }

    @Test
    void embeddedStart_continuesTheApplicationsCurrentSpan() {
        try (Taskhub taskhub = taskhub().openTelemetry(openTelemetry).start()) {
            Span request = openTelemetry.getTracer("app").spanBuilder("handle order").startSpan();
            String id;
            try (Scope ignored = request.makeCurrent()) {
                id = taskhub.client().startNew(StartInstanceRequest.of("Greet", "\"c\""));
            } finally {
                request.end();
            }
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            List<SpanData> spans = awaitSpans(s -> s.getName().equals("activity:Shout"), 1);

            assertThat(only(spans, "create_orchestration:Greet").getParentSpanId())
                    .isEqualTo(request.getSpanContext().getSpanId());
            assertThat(spans).extracting(SpanData::getTraceId).containsOnly(request.getSpanContext().getTraceId());
        }
    }

    /** With tracing.enabled the spans go to GlobalOpenTelemetry (the Java agent's, or one the host registered). */
    @Test
    void tracingEnabled_sendsTheSpansToTheGlobalOpenTelemetry() {
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(openTelemetry);
        try (Taskhub taskhub = taskhub().setting("tracing.enabled", "true").start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("Greet", "\"d\""));
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();

            List<SpanData> spans = awaitSpans(s -> s.getName().equals("activity:Shout"), 1);
            SpanData creation = only(spans, "create_orchestration:Greet");
            assertThat(named(spans, "orchestration:Greet")).extracting(SpanData::getParentSpanId)
                    .containsOnly(creation.getSpanId());
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    /**
     * Off (the default), Taskhub opens no span, even with a global OpenTelemetry registered; a caller's context is
     * still stored with the instance, for workers that do trace.
     */
    @Test
    void withoutTracing_noSpanIsOpened_butTheCallersContextIsCarriedThroughTheInstance() throws Exception {
        String header = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(openTelemetry);
        try (Taskhub taskhub = taskhub().start()) {
            String id = startOverHttp(taskhub, "Greet", header);
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();

            ExecutionStarted stored = storedStart(taskhub, id);
            assertThat(stored.traceParent()).as("stored for a worker that traces").isEqualTo(header);
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
        assertThat(exported.getFinishedSpanItems()).as("only the activity's own span").extracting(SpanData::getName)
                .containsExactly("inside Shout");
    }

    private static ExecutionStarted storedStart(Taskhub taskhub, String id) {
        return taskhub.client().getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow().history().stream()
                .filter(ExecutionStarted.class::isInstance).map(ExecutionStarted.class::cast).findFirst()
                .orElseThrow();
    }

    private static String startOverHttp(Taskhub taskhub, String orchestrator, String traceParent) throws Exception {
        HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                taskhub.httpBaseUrl() + "/runtime/webhooks/durabletask/orchestrators/" + orchestrator))
                .header("traceparent", traceParent).POST(HttpRequest.BodyPublishers.ofString("\"a\"")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(started.body()).path("id").asText();
    }

    /** The finished spans, once at least {@code count} satisfy {@code condition} (spans end after commits). */
    private List<SpanData> awaitSpans(java.util.function.Predicate<SpanData> condition, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                exported.getFinishedSpanItems().stream().filter(condition).count() >= count);
        return exported.getFinishedSpanItems();
    }

    private static List<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> found = named(spans, name);
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    private static Set<String> ids(List<SpanData> spans) {
        return spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    }
}
