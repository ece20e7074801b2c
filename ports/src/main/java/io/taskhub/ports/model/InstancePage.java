package io.taskhub.ports.model;

import java.util.List;

/** One page of a query; {@code continuationToken} is null on the last page. */
public record InstancePage(List<InstanceMetadata> instances, String continuationToken) {
    public InstancePage {
        instances = List.copyOf(instances);
    }

    public boolean hasMore() {
        return continuationToken != null;
    }
}
