/**
 * The in-memory storage backend: the reference implementation of the storage SPI, against which the SQL and
 * Azure Storage backends are compared, and the store of fast engine tests. Nothing is persisted.
 *
 * <p>{@link io.taskhub.core.memory.InMemoryStore} keeps one task hub behind a single lock; the package-private
 * classes hold its data ({@code HubState}, {@code ActivityQueue}, the {@code Stored*} entries) and its query
 * rules ({@code InstanceQueries}, {@code ContinuationTokens}). They are not thread-safe on their own.
 */
package io.taskhub.core.memory;
