package io.taskhub.http;

import io.javalin.http.Context;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.rules.StorableText;
import io.taskhub.ports.rules.SupportedTimes;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reading query parameters the way Durable Functions does: lenient where it is lenient, strict elsewhere. */
final class QueryParams {
    private QueryParams() {
    }

    /** The parameter's text, or null when absent or empty; text no backend can store is refused, naming it. */
    static String text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? null : StorableText.require(name, value);
    }

    /** "true"/"false" in any case; anything else (or nothing) is the default. */
    static boolean bool(Context ctx, String name, boolean defaultValue) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("true") ? true : v.equals("false") ? false : defaultValue;
    }

    /**
     * An ISO-8601 time that filters: unparsable values are ignored, as Durable Functions ignores them; a time
     * beyond the accepted range is refused.
     */
    static Optional<Instant> lenientInstant(Context ctx, String name) {
        String value = text(ctx, name);
        return value == null ? Optional.empty()
                : parseInstant(value).map(at -> SupportedTimes.requireFilterBound(name, at));
    }

    /**
     * An ISO-8601 time to be stored (a scheduled start): an unparsable value, or one that not every backend can
     * store, is an error.
     */
    static Instant storableInstant(Context ctx, String name) {
        String value = text(ctx, name);
        if (value == null) {
            return null;
        }
        Instant at = parseInstant(value).orElseThrow(() -> new InvalidArgumentException("Query parameter '" + name
                + "' is '" + value + "', which is not an ISO-8601 time; use e.g. 2026-01-31T12:00:00Z."));
        return SupportedTimes.requireStorable(name, at);
    }

    /**
     * Accepts an instant, a time with an offset, or a local date-time or date (taken as UTC). A '+' of an
     * offset that arrived unencoded in the query reads as a space, so spaces are read back as '+'.
     */
    static Optional<Instant> parseInstant(String raw) {
        String value = raw.trim().replace(' ', '+');
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }

    /** Seconds, decimals allowed ("0.5"); null when absent. */
    static Duration seconds(Context ctx, String name) {
        String value = text(ctx, name);
        if (value == null) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(value.trim());
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                throw new NumberFormatException("out of range");
            }
            return Duration.ofNanos(seconds.movePointRight(9).longValue());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("Query parameter '" + name + "' is '" + value
                    + "'; use a number of seconds such as 10 or 0.5.");
        }
    }

    static Integer integer(Context ctx, String name) {
        String value = text(ctx, name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("Query parameter '" + name + "' is '" + value
                    + "'; use a whole number.");
        }
    }

    /**
     * Runtime statuses as {@link #statuses}, refusing a value that names no status: where a filter selects what to
     * change (a bulk job), an ignored status would widen it to every status.
     */
    static Set<RuntimeStatus> strictStatuses(Context ctx, String name) {
        for (String value : ctx.queryParams(name)) {
            for (String part : value.split(",")) {
                if (!part.isBlank() && RuntimeStatus.parse(part).isEmpty()) {
                    throw new InvalidArgumentException("Unknown runtime status '" + part + "' in '" + name
                            + "'; use " + java.util.List.of(RuntimeStatus.values()) + ".");
                }
            }
        }
        return statuses(ctx, name);
    }

    /** Runtime statuses as a comma list and/or repeated parameters; unknown names are dropped. */
    static Set<RuntimeStatus> statuses(Context ctx, String name) {
        Set<RuntimeStatus> statuses = EnumSet.noneOf(RuntimeStatus.class);
        for (String value : ctx.queryParams(name)) {
            for (String part : value.split(",")) {
                RuntimeStatus.parse(part).ifPresent(statuses::add);
            }
        }
        return statuses;
    }
}
