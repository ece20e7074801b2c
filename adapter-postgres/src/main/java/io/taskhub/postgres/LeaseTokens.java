package io.taskhub.postgres;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tokens of the leases this backend hands out (an instance's claim, a task's, a handed activity's entry). A
 * token fences a holder's commits: it must differ from every other lease's token on the same row, across processes
 * and restarts. It is never shown outside the database and the process that holds it (the Durable Task sidecar
 * hands out tokens of its own).
 *
 * <p>Each was a {@code UUID.randomUUID()}: a read of the system's random source behind a lock shared by every thread,
 * mixed with SHA-1, several times per hello sequence, and that path was among the larger bodies of code the JIT
 * compiled on a step's path. A token is now 128 bits of the thread's own random sequence, mixed with 128 bits drawn
 * once per process from the system's source: a thread's sequence does not repeat, threads start from seeds of their
 * own, and processes from draws of their own, so two leases of one row share a token with a chance of the order of
 * 2^-64 at most.
 */
final class LeaseTokens {
    private static final long PROCESS_HIGH;
    private static final long PROCESS_LOW;

    static {
        SecureRandom random = new SecureRandom();
        PROCESS_HIGH = random.nextLong();
        PROCESS_LOW = random.nextLong();
    }

    private LeaseTokens() {
    }

    /** A new token, in the form of a UUID. */
    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() ^ PROCESS_HIGH, random.nextLong() ^ PROCESS_LOW).toString();
    }
}
