package io.taskhub.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How results look: aligned tables and details, JSON cells on one line, progress on standard error. */
class PrinterTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Printer printer = new Printer(new PrintWriter(out), new PrintWriter(err), OutputFormat.table);

    @Test
    void aTable_alignsEveryColumnToItsWidestCell_andKeepsRowsOnOneLine() {
        printer.table(List.of("ID", "STATUS"), List.of(List.of("order-17", "Running"), List.of("a", "multi\nline")));

        List<String> lines = Arrays.asList(out.toString().split("\n"));
        assertThat(lines).containsExactly("ID        STATUS", "--------  ----------", "order-17  Running",
                "a         multi line");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void details_alignTheirValues_andProgressGoesToStandardError() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Instance", "order-17");
        fields.put("Last updated", "2026-12-05T10:00:00Z");
        printer.details(fields);
        printer.progress("Waiting...");

        assertThat(out.toString().split("\n")).containsExactly("Instance:     order-17",
                "Last updated: 2026-12-05T10:00:00Z");
        assertThat(err.toString()).isEqualTo("Waiting..." + System.lineSeparator());
    }

    @Test
    void compact_showsTextAsItIs_andOtherJsonOnOneLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(Printer.compact(json.readTree("\"Hello\""))).isEqualTo("Hello");
        assertThat(Printer.compact(json.readTree("{\"a\": [1, 2]}"))).isEqualTo("{\"a\":[1,2]}");
        assertThat(Printer.compact(json.readTree("null"))).isEmpty();
        assertThat(Printer.compact(null)).isEmpty();
    }
}
