package io.taskhub.cli.management;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page of status objects (Durable Functions JSON) and the next page's token, or null on the last page. */
public record InstancePageView(List<JsonNode> instances, String continuationToken) {
    public InstancePageView {
        instances = List.copyOf(instances);
        continuationToken = continuationToken == null || continuationToken.isEmpty() ? null : continuationToken;
    }
}
