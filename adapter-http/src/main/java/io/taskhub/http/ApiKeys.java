package io.taskhub.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The configured API keys, checked in constant time: keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the content nor the length of a key leaks through timing, and every
 * configured key is compared (no early exit).
 */
final class ApiKeys {
    private final List<byte[]> digests;
    private final String first;

    ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(ApiKeys::digest).toList();
        this.first = keys.isEmpty() ? null : keys.get(0);
    }

    boolean required() {
        return !digests.isEmpty();
    }

    boolean accepts(String candidate) {
        if (candidate == null) {
            return false;
        }
        byte[] given = digest(candidate);
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, given);
        }
        return match;
    }

    /** The key put in links built outside a request (management payloads), or null when keys are off. */
    String linkKey() {
        return first;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
