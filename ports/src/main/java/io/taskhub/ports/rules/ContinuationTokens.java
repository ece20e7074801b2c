package io.taskhub.ports.rules;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.InstanceMetadata;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * Continuation tokens of instance queries: the key of the last instance returned (keyset paging, never an
 * offset, so instances inserted while paging cannot shift pages), encoded as Base64url text
 * {@code <epochSecond>.<nano>:<instanceId>} so that callers treat it as opaque. Every backend that pages by
 * (created time, instance id) uses this one format.
 */
public final class ContinuationTokens {
    /** The position after which the next page starts. */
    public record Key(Instant createdAt, String instanceId) {
        public boolean isBefore(InstanceMetadata m) {
            int byTime = createdAt.compareTo(m.createdAt());
            return byTime < 0 || (byTime == 0 && instanceId.compareTo(m.instanceId()) < 0);
        }
    }

    private ContinuationTokens() {
    }

    public static String encode(InstanceMetadata last) {
        Instant at = last.createdAt();
        String raw = at.getEpochSecond() + "." + at.getNano() + ":" + last.instanceId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Key decode(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int dot = raw.indexOf('.');
            int colon = raw.indexOf(':');
            if (dot < 1 || colon < dot + 2 || colon == raw.length() - 1) {
                throw invalid(token, null);
            }
            long seconds = Long.parseLong(raw.substring(0, dot));
            int nanos = Integer.parseInt(raw.substring(dot + 1, colon));
            if (nanos < 0 || nanos > 999_999_999) {
                throw invalid(token, null);
            }
            Instant createdAt = Instant.ofEpochSecond(seconds, nanos);
            String instanceId = raw.substring(colon + 1);
            // A position no stored instance can have is a forged or corrupted token, never a page to serve.
            if (createdAt.isBefore(SupportedTimes.STORABLE_FROM) || createdAt.isAfter(SupportedTimes.STORABLE_UNTIL)
                    || StorableText.problem(instanceId) != null) {
                throw invalid(token, null);
            }
            return new Key(createdAt, instanceId);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw invalid(token, e);
        }
    }

    private static InvalidArgumentException invalid(String token, Exception cause) {
        String shown = StorableText.problem(token) == null && token.length() <= 200 ? token : "(unprintable)";
        return new InvalidArgumentException("Continuation token '" + shown + "' is not valid: pass the token "
                + "exactly as a previous page of the same query returned it, or none for the first page.", cause);
    }
}
