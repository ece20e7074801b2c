package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instants bound by {@link PgTime} read back from the server as the same microsecond, whatever its time zone. */
class PgTimeTest {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void anInstant_readsBackAsTheSameMicrosecond_inAnySessionTimeZone() throws Exception {
        List<Instant> instants = List.of(Instant.parse("2026-12-06T14:04:43.123456789Z"),
                Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("2024-02-29T23:59:59.000001Z"), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"), Instant.parse("2000-06-15T12:00:00.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-06-01T00:00:00Z"));
        try (Connection c = schema.connect()) {
            c.setAutoCommit(true);
            for (String zone : List.of("UTC", "America/St_Johns", "Asia/Kathmandu")) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET TIME ZONE '" + zone + "'");
                }
                for (Instant instant : instants) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT ?::timestamptz AS t,"
                            + " ?::timestamptz = timestamptz '1970-01-01 00:00:00+00' + (? || ' microseconds')::interval"
                            + " AS same")) {
                        PgTime.set(ps, 1, instant);
                        PgTime.set(ps, 2, instant);
                        ps.setString(3, Long.toString(microsSinceEpoch(instant)));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            assertThat(PgTime.get(rs, "t")).as("%s in %s", instant, zone)
                                    .isEqualTo(PgTime.truncate(instant));
                            assertThat(rs.getBoolean("same")).as("%s in %s, as the server counts", instant, zone)
                                    .isTrue();
                        }
                    }
                }
            }
        }
    }

    /**
     * A step's call binds times that are null in one call and set in the next (a completion time, a lease's end).
     * Bound untyped, a null made the driver prepare the statement again at the next call that bound a value, and
     * again after that whenever another parameter went the other way: a parse on the server for every other step.
     */
    @Test
    void nullsAndTimesInTurn_keepTheStatementPreparedOnce() throws Exception {
        String sql = "SELECT ?::timestamptz AS completed, ?::timestamptz AS lease_end /* nulls in turn */";
        Instant time = Instant.parse("2026-12-07T06:00:00.123456Z");
        try (Connection c = schema.connect()) {
            c.setAutoCommit(true);
            List<String> preparedAs = new java.util.ArrayList<>();
            for (int call = 0; call < 16; call++) {
                try (PreparedStatement ps = c.prepareStatement(sql)) { // a statement object per call, as the store
                    PgTime.set(ps, 1, call % 2 == 0 ? null : time);
                    PgTime.set(ps, 2, call % 2 == 0 ? time : null);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(PgTime.get(rs, call % 2 == 0 ? "lease_end" : "completed")).isEqualTo(time);
                        assertThat(PgTime.get(rs, call % 2 == 0 ? "completed" : "lease_end")).isNull();
                    }
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name || '@' || prepare_time"
                        + " FROM pg_prepared_statements WHERE statement LIKE '%nulls in turn%'")) {
                    preparedAs.add(rs.next() ? rs.getString(1) : "not prepared");
                }
            }
            // The driver prepares on the server from its fifth use on; from then on it is the same statement.
            assertThat(preparedAs.subList(8, 16)).as("the server-side statement of each call, from the ninth on")
                    .doesNotContain("not prepared").containsOnly(preparedAs.get(8));
        }
    }

    @Test
    void theText_isUtcWithMicroseconds_andLeavesYearsBeyondFourDigitsToTheDriver() {
        assertThat(PgTime.text(Instant.parse("2026-01-02T03:04:05.000007891Z")))
                .isEqualTo("2026-01-02 03:04:05.000007+00");
        assertThat(PgTime.text(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01 00:00:00.000000+00");
        assertThat(PgTime.text(Instant.parse("+10000-01-01T00:00:00Z"))).isNull();
        assertThat(PgTime.text(Instant.parse("0000-12-31T23:59:59Z"))).isNull();
    }

    private static long microsSinceEpoch(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
}
