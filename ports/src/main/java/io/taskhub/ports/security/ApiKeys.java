package io.taskhub.ports.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The configured API keys of a delivery adapter (HTTP, gRPC), checked in constant time: keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so neither the content nor the length of a key leaks through timing, and every
 * configured key is compared (no early exit).
 */
public final class ApiKeys {
    private final List<byte[]> digests;
    private final String first;

    public ApiKeys(List<String> keys) {
        this.digests = keys.stream().map(ApiKeys::digest).toList();
        this.first = keys.isEmpty() ? null : keys.get(0);
    }

    public boolean required() {
        return !digests.isEmpty();
    }

    public boolean accepts(String candidate) {
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
    public String linkKey() {
        return first;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Whether serving on {@code host} would expose an open API: a non-loopback address without keys, unless the
     * operator explicitly allowed it. An open management API is remote code control.
     *
     * @throws java.net.UnknownHostException when {@code host} cannot be resolved
     */
    public static boolean exposesOpenApi(String host, boolean keysRequired, boolean allowInsecureBind)
            throws java.net.UnknownHostException {
        return !keysRequired && !allowInsecureBind && !java.net.InetAddress.getByName(host).isLoopbackAddress();
    }
}
