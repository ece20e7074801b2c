package io.taskhub.sqlite;

import io.taskhub.ports.store.NameFilter;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A claim's name filter in SQL: the condition, and its parameters bound in the same order. */
final class NameConditions {
    private NameConditions() {
    }

    /**
     * {@code AND lower(column) IN (?, …)} for a filter of accepted names, {@code NOT IN} for one of refused
     * names; nothing for ANY.
     */
    static String condition(String column, NameFilter names) {
        if (names.isAny()) {
            return "";
        }
        if (names.lowerCaseNames().isEmpty()) {
            return names.isExcluding() ? "" : " AND 0";
        }
        return " AND lower(" + column + ")" + (names.isExcluding() ? " NOT IN (" : " IN (")
                + "?,".repeat(names.lowerCaseNames().size() - 1) + "?)";
    }

    /** Binds the names from {@code index} on; returns the next index. */
    static int bind(PreparedStatement ps, int index, NameFilter names) throws SQLException {
        if (!names.isAny()) {
            for (String name : names.lowerCaseNames()) {
                ps.setString(index++, name);
            }
        }
        return index;
    }
}
