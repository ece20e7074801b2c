package io.taskhub.ports.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's exclusive hold on a work item: {@code owner} names the worker, {@code token} this claim (so that
 * a later claim by the same owner is still distinct), {@code expiresAt} when another worker may take over.
 */
public record Lease(String owner, String token, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public Lease renewedUntil(Instant newExpiry) {
        return new Lease(owner, token, newExpiry);
    }
}
