/**
 * The storage contract test suite (TCK), shipped in the {@code taskhub-core} test-jar. Every storage backend
 * runs it; a behaviour of the storage SPI is specified here once.
 *
 * <p>To run it against a backend, depend on {@code taskhub-core} with {@code <type>test-jar</type>} and
 * {@code test} scope (plus JUnit Jupiter, AssertJ and Awaitility), and extend
 * {@link io.taskhub.tck.OrchestrationStoreContract}:
 *
 * <pre>{@code
 * class PostgresStoreContractTest extends OrchestrationStoreContract {
 *     private static PostgresStorageBackend backend;
 *
 *     @BeforeAll static void open() { backend = new PostgresStorageBackend(testDatabase()); }
 *     @AfterAll static void close() { backend.close(); }
 *
 *     @Override protected StorageBackend backend() { return backend; }
 * }
 * }</pre>
 *
 * Each test creates task hubs of its own (random names) and deletes them afterwards, so the suite can share
 * a database or storage account with other tests. A backend whose waits are plain sleeps overrides
 * {@code supportsPromptWakeUps()} with false. Caller-supplied times are whole milliseconds, so a backend
 * needs at least millisecond precision; payloads must round-trip byte for byte (store them as text).
 */
package io.taskhub.tck;
