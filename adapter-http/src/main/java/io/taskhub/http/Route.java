package io.taskhub.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One served route with its description, from which the OpenAPI document is built. */
record Route(HandlerType method, String path, Handler handler, Doc doc) {

    /**
     * What a route does: a unique operation id, a summary, its group, the query parameters it reads, whether it
     * reads a body, and the statuses it answers.
     */
    record Doc(String operationId, String summary, String tag, List<String> query, String body,
            Map<Integer, String> responses) {

        static Doc of(String operationId, String tag, String summary) {
            return new Doc(operationId, summary, tag, List.of(), null, Map.of());
        }

        Doc query(String... names) {
            List<String> all = new ArrayList<>(query);
            all.addAll(List.of(names));
            return new Doc(operationId, summary, tag, List.copyOf(all), body, responses);
        }

        /** The route reads a JSON body with this meaning. */
        Doc body(String description) {
            return new Doc(operationId, summary, tag, query, description, responses);
        }

        Doc answers(int status, String description) {
            Map<Integer, String> all = new LinkedHashMap<>(responses);
            all.put(status, description);
            return new Doc(operationId, summary, tag, query, body, all);
        }

        Doc withOperationId(String id) {
            return new Doc(id, summary, tag, query, body, responses);
        }
    }
}
