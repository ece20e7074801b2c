package io.taskhub.runtime.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configuration setting: its key (as in {@code taskhub.properties}), default, meaning, and the values it
 * accepts. Every setting Taskhub reads is declared once, in {@link Settings#ALL}.
 *
 * @param defaultValue    the value when none is given
 * @param backendDefaults where a backend is better served by another default: that default, by the backend's name
 *                        (a value of {@link Settings#BACKEND})
 */
public record Setting(String key, String defaultValue, String description, Kind kind, List<String> choices,
        Map<String, String> backendDefaults) {

    /** How a value is checked. */
    public enum Kind { TEXT, INTEGER, BOOLEAN, CHOICE, SECONDS, SECONDS_OR_NEVER }

    /** The value of a {@link Kind#SECONDS_OR_NEVER} setting that means no limit. */
    public static final String NEVER = "never";

    public Setting {
        backendDefaults = Map.copyOf(backendDefaults);
    }

    public static Setting text(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, description, Kind.TEXT, List.of(), Map.of());
    }

    public static Setting integer(String key, int defaultValue, String description) {
        return new Setting(key, String.valueOf(defaultValue), description, Kind.INTEGER, List.of(), Map.of());
    }

    public static Setting seconds(String key, double defaultValue, String description) {
        return new Setting(key, String.valueOf(defaultValue), description, Kind.SECONDS, List.of(), Map.of());
    }

    /** A duration of at least one second, or {@link #NEVER} (the default). */
    public static Setting secondsOrNever(String key, String description) {
        return new Setting(key, NEVER, description, Kind.SECONDS_OR_NEVER, List.of(), Map.of());
    }

    public static Setting bool(String key, boolean defaultValue, String description) {
        return new Setting(key, String.valueOf(defaultValue), description, Kind.BOOLEAN, List.of(), Map.of());
    }

    public static Setting choice(String key, String defaultValue, String description, String... choices) {
        return new Setting(key, defaultValue, description, Kind.CHOICE, List.of(choices), Map.of());
    }

    /**
     * This setting with another default where {@code backend} stores (one of {@link Settings#BACKEND}'s choices);
     * the value is checked like any given one.
     */
    public Setting withDefaultOn(String backend, String value) {
        if (!Settings.BACKEND.choices().contains(backend)) {
            throw new IllegalArgumentException("No backend is named '" + backend + "'; the backends are "
                    + String.join(", ", Settings.BACKEND.choices()) + ".");
        }
        Map<String, String> defaults = new HashMap<>(backendDefaults);
        defaults.put(backend, check(value, "the default on " + backend));
        return new Setting(key, defaultValue, description, kind, choices, defaults);
    }

    /** The value when none is given and {@code backend} stores. */
    public String defaultOn(String backend) {
        return backendDefaults.getOrDefault(backend, defaultValue);
    }

    /** The environment variable that sets this key: {@code TASKHUB_} + the key in upper case, dots as underscores. */
    public String environmentVariable() {
        return "TASKHUB_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * Returns the value when it is acceptable.
     *
     * @throws ConfigurationException naming the setting, the value and what is accepted
     */
    public String check(String value, String source) {
        String trimmed = value.trim();
        switch (kind) {
            case INTEGER -> {
                try {
                    if (Integer.parseInt(trimmed) >= 0) {
                        return trimmed;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw invalid(value, source, "a whole number of 0 or more");
            }
            case SECONDS -> {
                try {
                    if (Double.parseDouble(trimmed) >= 0) {
                        return trimmed;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw invalid(value, source, "a number of seconds of 0 or more (decimals allowed)");
            }
            case SECONDS_OR_NEVER -> {
                if (trimmed.equalsIgnoreCase(NEVER)) {
                    return NEVER;
                }
                try {
                    if (Double.parseDouble(trimmed) >= 1) {
                        return trimmed;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw invalid(value, source, "a number of seconds of 1 or more, or " + NEVER);
            }
            case BOOLEAN -> {
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) {
                    return lower;
                }
                throw invalid(value, source, "true or false");
            }
            case CHOICE -> {
                for (String choice : choices) {
                    if (choice.equalsIgnoreCase(trimmed)) {
                        return choice;
                    }
                }
                throw invalid(value, source, "one of " + String.join(", ", choices));
            }
            default -> {
                return value;
            }
        }
    }

    private ConfigurationException invalid(String value, String source, String accepted) {
        return new ConfigurationException("Setting '" + key + "' (from " + source + ") has the invalid value '" + value
                + "'; accepted: " + accepted + ".");
    }
}
