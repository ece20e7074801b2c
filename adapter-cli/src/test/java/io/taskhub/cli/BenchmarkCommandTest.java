package io.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's scenarios and its JSON figures, on a tiny workload (figures are for the documented runs). */
class BenchmarkCommandTest {
    @TempDir
    Path dir;

    @Test
    void everyScenario_reportsItsFigures_asJson() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TaskhubCli.run(new String[] {"benchmark", "--backends", "sqlite", "--scenario", "all",
            "--instances", "4", "--latency-samples", "2", "--fan-in", "20", "--warmup", "2", "--stored", "300",
            "--list-samples", "2", "--list-warmup", "3", "--purge-instances", "40", "-o", "json"},
                Map.of("TASKHUB_SQLITE_FILE", dir.resolve("bench.db").toString()),
                new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true),
                url -> { });

        assertThat(code).as(err.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(out.toString()).path("results").get(0);
        assertThat(result.path("backend").asText()).isEqualTo("sqlite");
        assertThat(result.path("instancesPerSecond").asDouble()).isPositive();
        assertThat(result.path("latencyP50Millis").asDouble()).isPositive();
        assertThat(result.path("fanInResultsPerSecond").asDouble()).isPositive();
        assertThat(result.path("commitsPerInstance").isNull()).as("counted on PostgreSQL only").isTrue();
        assertThat(result.path("javaCpuMillisPerInstance").asDouble()).as("measured").isPositive();
        assertThat(result.path("jitSeconds").isNumber()).as("measured").isTrue();
        assertThat(result.path("databaseCpuMillisPerInstance").isNull()).as("read on PostgreSQL only").isTrue();

        JsonNode list = result.path("list");
        assertThat(list.path("stored").asInt()).isEqualTo(300);
        assertThat(list.path("warmUpRounds").asInt()).isEqualTo(3);
        assertThat(list.path("countsP50Millis").isNumber()).as("measured").isTrue();
        assertThat(list.path("filters")).extracting(f -> f.path("filter").asText()).contains("none", "status",
                "name", "id prefix", "created range", "status + name", "none, page 2");
        assertThat(list.path("filters")).allSatisfy(f -> {
            assertThat(f.path("pageRows").asInt()).as(f.toString()).isPositive();
            assertThat(f.path("p50Millis").isNumber()).as(f.toString()).isTrue();
        });
        JsonNode purge = result.path("purge");
        assertThat(purge.path("instances").asInt()).isEqualTo(40);
        assertThat(purge.path("historyRows").asInt()).isEqualTo(400);
        assertThat(purge.path("purgeSeconds").isNumber()).as("measured").isTrue();
    }

    @Test
    void compareDbos_withAFolderThatIsNotTheProbe_isAUsageError() {
        StringWriter err = new StringWriter();
        int code = TaskhubCli.run(new String[] {"benchmark", "--compare-dbos", dir.toString()}, Map.of(),
                new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), url -> { });
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--compare-dbos: " + dir + " holds no pom.xml");
    }

    @Test
    void anUnknownScenario_isAUsageError() {
        StringWriter err = new StringWriter();
        int code = TaskhubCli.run(new String[] {"benchmark", "--scenario", "everything"}, Map.of(),
                new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), url -> { });
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--scenario: 'everything' is not one of hello, fan-in, list, purge, all.");
    }
}
