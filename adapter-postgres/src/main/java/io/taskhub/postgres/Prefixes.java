package io.taskhub.postgres;

/**
 * Prefix filters as index ranges. In byte order (COLLATE "C", which for UTF-8 is code point order) the texts
 * starting with P are exactly those in [P, successor(P)), where the successor increments P's last code point.
 * A range, unlike {@code LIKE 'P%'}, needs no escaping of % and _, and an index serves it even in a
 * prepared statement's generic plan, where the pattern is unknown when the plan is made.
 */
final class Prefixes {
    private Prefixes() {
    }

    /** The least text greater than every text starting with {@code prefix}, or null when there is none. */
    static String successor(String prefix) {
        int[] codePoints = prefix.codePoints().toArray();
        for (int i = codePoints.length - 1; i >= 0; i--) {
            int next = codePoints[i] + 1;
            if (next == Character.MIN_SURROGATE) {
                next = Character.MAX_SURROGATE + 1; // surrogates are not characters in UTF-8 text
            }
            if (next <= Character.MAX_CODE_POINT) {
                codePoints[i] = next;
                return new String(codePoints, 0, i + 1);
            }
            // The last code point is already the greatest: carry into the one before it.
        }
        return null;
    }

    /** The first {@code count} code points of {@code text} (PostgreSQL's left() counts characters, not chars). */
    static String leftCodePoints(String text, int count) {
        if (text.codePointCount(0, text.length()) <= count) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, count));
    }
}
