package io.taskhub.cli.benchmark;

import java.util.Arrays;

/** Milliseconds measured one by one, read as percentiles. */
final class Percentiles {
    private final double[] sorted;

    Percentiles(double[] millis) {
        this.sorted = millis.clone();
        Arrays.sort(sorted);
    }

    double p50() {
        return at(0.50);
    }

    double p95() {
        return at(0.95);
    }

    private double at(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
