package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Array parameters, sent in PostgreSQL's binary array format: each element goes as it is, with its length, where
 * {@code Connection.createArrayOf} writes the array's text form (every element quoted and escaped, which the server
 * then parses again; a step's history is JSON, full of quotes) after looking its type up by name. The statements
 * cast each such parameter to the array type they take ({@code ?::text[]}, a no-op for the character arrays sent).
 */
final class PgArrays {
    private PgArrays() {
    }

    /** A text array (null elements allowed). */
    static void text(PreparedStatement ps, int index, String[] values) throws SQLException {
        ps.setObject(index, values);
    }

    static void text(PreparedStatement ps, int index, Collection<String> values) throws SQLException {
        text(ps, index, values.toArray(String[]::new));
    }

    /** A bigint array. */
    static void bigint(PreparedStatement ps, int index, List<Long> values) throws SQLException {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        ps.setObject(index, array);
    }

    /** An integer array. */
    static void int4(PreparedStatement ps, int index, int[] values) throws SQLException {
        ps.setObject(index, values);
    }
}
