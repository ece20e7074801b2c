package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.postgresql.util.PGobject;

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

    /**
     * Binds {@code instant} as a TIMESTAMPTZ. It goes as text typed {@code timestamptz}: the driver's own binding of
     * a date-time builds a calendar for every statement object, which cost a twentieth of the engine's CPU (a
     * statement object is made for every call); the server reads the text exactly (UTC, microseconds).
     */
    static void set(PreparedStatement ps, int index, Instant instant) throws SQLException {
        String text = instant == null ? null : text(instant);
        if (instant != null && text == null) {
            ps.setObject(index, db(instant)); // a year the text form below does not write
        } else {
            // A null goes typed too: the driver prepares a statement again whenever a parameter it prepared untyped
            // (setNull of a timestamp) comes typed, so a step's call whose completion time or lease end was null in
            // one call and set in the next was parsed again on every other call.
            PGobject typed = new PGobject();
            typed.setType("timestamptz");
            typed.setValue(text);
            ps.setObject(index, typed);
        }
    }

    /** {@code instant} in UTC as PostgreSQL reads it ({@code 2024-05-06 07:08:09.123456+00}); null for years outside 1 to 9999. */
    static String text(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1 || t.getYear() > 9999) {
            return null;
        }
        StringBuilder b = new StringBuilder(32);
        digits(b, t.getYear(), 4).append('-');
        digits(b, t.getMonthValue(), 2).append('-');
        digits(b, t.getDayOfMonth(), 2).append(' ');
        digits(b, t.getHour(), 2).append(':');
        digits(b, t.getMinute(), 2).append(':');
        digits(b, t.getSecond(), 2).append('.');
        digits(b, t.getNano() / 1000, 6); // truncated to the microsecond, as TIMESTAMPTZ keeps it
        return b.append("+00").toString();
    }

    private static StringBuilder digits(StringBuilder b, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s);
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
