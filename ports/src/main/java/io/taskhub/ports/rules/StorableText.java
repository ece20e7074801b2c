package io.taskhub.ports.rules;

import io.taskhub.ports.errors.InvalidArgumentException;

/**
 * Text every backend stores faithfully: no NUL character (PostgreSQL's text type refuses it) and no unpaired
 * UTF-16 surrogate (it has no UTF-8 form, so a store would silently turn it into '?'). Values that break the
 * rule are refused rather than changed.
 */
public final class StorableText {
    private StorableText() {
    }

    /** The first problem of {@code value}, or null when it is storable (null is storable). */
    public static String problem(String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return "contains the character U+0000 (NUL) at position " + i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate U+" + String.format("%04X", (int) c) + " at position " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate U+" + String.format("%04X", (int) c) + " at position " + i;
            }
        }
        return null;
    }

    /**
     * Returns {@code value} when storable.
     *
     * @param what names the value for the error message, e.g. "instanceIdPrefix"
     * @throws InvalidArgumentException naming {@code what} and the problem
     */
    public static String require(String what, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidArgumentException("'" + what + "' " + problem + "; such text cannot be stored.");
        }
        return value;
    }
}
