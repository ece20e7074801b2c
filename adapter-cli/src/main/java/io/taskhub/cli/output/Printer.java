package io.taskhub.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes results to the command's own writers, as tables or JSON. */
public final class Printer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final PrintWriter err;
    private final OutputFormat format;
    private boolean barShown;

    public Printer(PrintWriter out, PrintWriter err, OutputFormat format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    public boolean isJson() {
        return format == OutputFormat.json;
    }

    public void json(JsonNode node) {
        try {
            out.println(JSON.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Progress and notes go to standard error, so standard output stays clean for pipes. */
    public void progress(String text) {
        err.println(text);
        err.flush();
    }

    /** A progress bar on standard error, redrawn in place (carriage return) each time. */
    public void bar(String text) {
        err.print("\r" + text);
        err.flush();
        barShown = true;
    }

    /** Ends the line of a progress bar drawn by {@link #bar}. */
    public void endBar() {
        if (barShown) {
            err.println();
            err.flush();
            barShown = false;
        }
    }

    /** Key/value lines, aligned. */
    public void details(Map<String, String> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((key, value) -> out.println(pad(key + ":", width + 1) + " " + (value == null ? "" : value)));
        out.flush();
    }

    /** A table with a header row; columns sized to their widest cell. */
    public void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], cell(row.get(i)).length());
            }
        }
        out.println(row(headers, widths));
        List<String> rules = new ArrayList<>();
        for (int width : widths) {
            rules.add("-".repeat(width));
        }
        out.println(row(rules, widths));
        rows.forEach(r -> out.println(row(r, widths)));
        out.flush();
    }

    private static String row(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == cells.size() - 1 ? cell(cells.get(i)) : pad(cell(cells.get(i)), widths[i])).append(
                    i == cells.size() - 1 ? "" : "  ");
        }
        return line.toString().stripTrailing();
    }

    private static String cell(String value) {
        return value == null ? "" : value.replace('\n', ' ');
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** A JSON value as one line of text, for table cells. */
    public static String compact(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }
}
