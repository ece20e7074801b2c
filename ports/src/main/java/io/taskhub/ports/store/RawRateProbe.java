package io.taskhub.ports.store;

import java.time.Duration;
import java.util.List;

/**
 * Measures how fast the storage service itself does the operations a backend's work is made of, with Taskhub out
 * of the way, so that a benchmark can report Taskhub's throughput against that bound. Runs on scratch resources of
 * its own, which it removes afterwards.
 */
public interface RawRateProbe {
    /** One kind of operation and how many the service did per second. */
    record Rate(String operation, double perSecond) {
    }

    /**
     * Runs each kind of operation from {@code threads} threads for {@code duration}.
     *
     * @return each kind's rate, in a fixed order
     */
    List<Rate> measure(int threads, Duration duration);
}
