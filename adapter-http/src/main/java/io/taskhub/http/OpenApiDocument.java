package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3 document, built from the route table itself so that it lists every route the server serves
 * (and nothing it does not).
 */
final class OpenApiDocument {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApiDocument() {
    }

    static ObjectNode build(List<Route> routes) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Taskhub HTTP management API");
        info.put("version", "1");
        info.put("description", "Wire-compatible with the Azure Durable Functions HTTP management API, under "
                + "three prefixes, plus Taskhub's own routes under /taskhub/v1. Operation names match "
                + "case-insensitively; a trailing slash is allowed. Errors are JSON objects with Message "
                + "(and ExceptionMessage, ExceptionType when there is a cause).");
        ObjectNode paths = doc.putObject("paths");
        for (Route route : routes) {
            ObjectNode path = paths.has(route.path()) ? (ObjectNode) paths.get(route.path())
                    : paths.putObject(route.path());
            path.set(route.method().name().toLowerCase(Locale.ROOT), operation(route));
        }
        ObjectNode schemes = doc.putObject("components").putObject("securitySchemes");
        apiKey(schemes.putObject("code"), "query", "code");
        apiKey(schemes.putObject("functionsKey"), "header", RequestSupport.KEY_HEADER);
        ArrayNode security = doc.putArray("security");
        security.addObject().putArray("code");
        security.addObject().putArray("functionsKey");
        return doc;
    }

    private static ObjectNode operation(Route route) {
        Route.Doc d = route.doc();
        ObjectNode op = Json.object();
        op.put("operationId", d.operationId());
        op.put("summary", d.summary());
        op.putArray("tags").add(d.tag());
        ArrayNode parameters = op.putArray("parameters");
        Matcher m = PATH_PARAM.matcher(route.path());
        while (m.find()) {
            ObjectNode p = parameters.addObject();
            p.put("name", m.group(1));
            p.put("in", "path");
            p.put("required", true);
            p.putObject("schema").put("type", "string");
        }
        for (String name : d.query()) {
            ObjectNode p = parameters.addObject();
            p.put("name", name);
            p.put("in", "query");
            p.put("required", name.equals("createdTimeFrom") && route.path().endsWith("/instances")
                    && route.method().name().equals("DELETE"));
            p.putObject("schema").put("type", "string");
        }
        if (d.body() != null) {
            ObjectNode body = op.putObject("requestBody");
            body.put("required", false);
            body.put("description", d.body());
            body.putObject("content").putObject("application/json").putObject("schema");
        }
        ObjectNode responses = op.putObject("responses");
        for (Map.Entry<Integer, String> r : d.responses().entrySet()) {
            responses.putObject(String.valueOf(r.getKey())).put("description", r.getValue());
        }
        return op;
    }

    private static void apiKey(ObjectNode scheme, String in, String name) {
        scheme.put("type", "apiKey");
        scheme.put("in", in);
        scheme.put("name", name);
    }
}
