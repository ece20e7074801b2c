package io.taskhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.StreamSupport;

/** Reading the JSON arrays that commands and the server print. */
final class JsonArrays {
    static final List<String> GREETINGS = List.of("Hello Tokyo!", "Hello Seattle!", "Hello London!");

    private JsonArrays() {
    }

    /** Each element as text. */
    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** One field of each element, as text ("" where it is missing). */
    static List<String> field(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false).map(e -> e.path(name).asText()).toList();
    }
}
