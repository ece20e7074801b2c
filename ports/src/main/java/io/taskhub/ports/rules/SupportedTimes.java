package io.taskhub.ports.rules;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.time.Instant;

/**
 * The instants Taskhub accepts, one rule for every backend and every edge.
 *
 * <p>A time that is <em>stored</em> (a scheduled start, a timer) must lie in {@link #STORABLE_FROM} ..
 * {@link #STORABLE_UNTIL}: the range that every backend keeps exactly (SQLite's epoch-nanosecond columns are the
 * narrowest, PostgreSQL's {@code timestamptz} and Azure's fixed-width text are wider). A time that only
 * <em>filters</em> (created or last-updated ranges) may be anything Durable Functions clients send, the .NET
 * {@code DateTime} range {@link #FILTER_FROM} .. {@link #FILTER_UNTIL}; since nothing stored lies outside the
 * storable range, {@link #clampFilter} narrows a filter bound to it without changing which instances match.
 */
public final class SupportedTimes {
    public static final Instant STORABLE_FROM = Instant.parse("1678-01-01T00:00:00Z");
    public static final Instant STORABLE_UNTIL = Instant.parse("2261-12-31T23:59:59.999999999Z");
    public static final Instant FILTER_FROM = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant FILTER_UNTIL = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private SupportedTimes() {
    }

    /**
     * Returns {@code value} when every backend can store it.
     *
     * @param what names the value for the error message, e.g. "startAt"
     * @throws InvalidArgumentException naming {@code what} and the supported range
     */
    public static Instant requireStorable(String what, Instant value) {
        if (value != null && (value.isBefore(STORABLE_FROM) || value.isAfter(STORABLE_UNTIL))) {
            throw new InvalidArgumentException("'" + what + "' is " + value + ", outside the supported range "
                    + STORABLE_FROM + " to " + STORABLE_UNTIL + ".");
        }
        return value;
    }

    /**
     * Returns {@code value} when it is an acceptable filter bound.
     *
     * @throws InvalidArgumentException naming {@code what} and the accepted range
     */
    public static Instant requireFilterBound(String what, Instant value) {
        if (value != null && (value.isBefore(FILTER_FROM) || value.isAfter(FILTER_UNTIL))) {
            throw new InvalidArgumentException("'" + what + "' is " + value + ", outside the accepted range "
                    + FILTER_FROM + " to " + FILTER_UNTIL + ".");
        }
        return value;
    }

    /** A filter bound narrowed to the storable range: matches exactly the same stored instances. */
    public static Instant clampFilter(Instant value) {
        if (value == null) {
            return null;
        }
        if (value.isBefore(STORABLE_FROM)) {
            return STORABLE_FROM;
        }
        return value.isAfter(STORABLE_UNTIL) ? STORABLE_UNTIL : value;
    }
}
