package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants to and from TIMESTAMPTZ, which keeps microseconds. Values are truncated here rather than rounded by
 * the server (rounding could move them into the next second, and would make a stored time later than the one
 * given). Where a caller must read back exactly what it gave, the nanoseconds below the microsecond go into a
 * companion SMALLINT column.
 */
final class PgTime {
    private PgTime() {
    }

    static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The first microsecond at or after {@code instant}: a visibility time never comes early. */
    static Instant ceil(Instant instant) {
        Instant down = truncate(instant);
        return down.equals(instant) ? down : down.plus(1, ChronoUnit.MICROS);
    }

    static OffsetDateTime db(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(truncate(instant), ZoneOffset.UTC);
    }

    static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, db(instant));
        }
    }

    /** Sets {@code instant} and its sub-microsecond nanoseconds at {@code index} and {@code index + 1}. */
    static void setExact(PreparedStatement ps, int index, Instant instant) throws SQLException {
        set(ps, index, instant);
        if (instant == null) {
            ps.setNull(index + 1, Types.SMALLINT);
        } else {
            ps.setShort(index + 1, (short) (instant.getNano() % 1000));
        }
    }

    static Instant get(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Reads what {@link #setExact} wrote to {@code column} and {@code nanosColumn}. */
    static Instant getExact(ResultSet rs, String column, String nanosColumn) throws SQLException {
        Instant micros = get(rs, column);
        return micros == null ? null : micros.plusNanos(rs.getShort(nanosColumn));
    }
}
