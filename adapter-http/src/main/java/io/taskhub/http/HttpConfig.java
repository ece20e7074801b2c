package io.taskhub.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the HTTP management API is served.
 *
 * @param host              the address to bind; loopback ({@value #DEFAULT_HOST}) unless told otherwise
 * @param port              the port to bind; 0 picks a free one
 * @param apiKeys           accepted API keys (query {@code code} or header {@code x-functions-key}); empty turns
 *                          key checks off, which is only allowed on a loopback address unless
 *                          {@code allowInsecureBind}
 * @param maxRequestBytes   the largest request body accepted; larger ones are answered 413
 * @param allowInsecureBind allow binding a non-loopback address without any API key
 * @param publicBaseUrl     scheme://authority under which clients reach this server (for management payloads
 *                          built outside a request); null means http://host:port
 * @param purgeTimeBudget   how long one purge-by-filter request may delete before it answers
 *                          {@code "isComplete":false} and lets the caller continue
 * @param idleTimeout       how long a connection may stay silent in the middle of a request (a body that stops
 *                          arriving is answered 408 after it) or between requests
 */
public record HttpConfig(String host, int port, List<String> apiKeys, long maxRequestBytes, boolean allowInsecureBind,
        String publicBaseUrl, Duration purgeTimeBudget, Duration idleTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7071;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    public static final Duration DEFAULT_PURGE_TIME_BUDGET = Duration.ofSeconds(20);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public HttpConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("HTTP host must not be blank; use " + DEFAULT_HOST
                    + " (loopback, the default) or an address to bind.");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP port " + port + " is out of range; use 0 (any free port) to 65535.");
        }
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        for (String key : apiKeys) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("An API key must not be blank.");
            }
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1, was " + maxRequestBytes + ".");
        }
        publicBaseUrl = normalizeBaseUrl(publicBaseUrl);
        purgeTimeBudget = purgeTimeBudget == null ? DEFAULT_PURGE_TIME_BUDGET : purgeTimeBudget;
        if (purgeTimeBudget.isNegative()) {
            throw new IllegalArgumentException("purgeTimeBudget must not be negative, was " + purgeTimeBudget + ".");
        }
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        if (idleTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("idleTimeout must be at least 0.1 s, was " + idleTimeout + ".");
        }
    }

    /** Loopback, port 7071, no keys, 4 MiB bodies. */
    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), DEFAULT_MAX_REQUEST_BYTES, false, null,
                DEFAULT_PURGE_TIME_BUDGET, DEFAULT_IDLE_TIMEOUT);
    }

    public HttpConfig withHost(String value) {
        return new HttpConfig(value, port, apiKeys, maxRequestBytes, allowInsecureBind, publicBaseUrl,
                purgeTimeBudget, idleTimeout);
    }

    public HttpConfig withPort(int value) {
        return new HttpConfig(host, value, apiKeys, maxRequestBytes, allowInsecureBind, publicBaseUrl,
                purgeTimeBudget, idleTimeout);
    }

    public HttpConfig withApiKeys(List<String> value) {
        return new HttpConfig(host, port, value, maxRequestBytes, allowInsecureBind, publicBaseUrl, purgeTimeBudget,
                idleTimeout);
    }

    public HttpConfig withMaxRequestBytes(long value) {
        return new HttpConfig(host, port, apiKeys, value, allowInsecureBind, publicBaseUrl, purgeTimeBudget,
                idleTimeout);
    }

    public HttpConfig withAllowInsecureBind(boolean value) {
        return new HttpConfig(host, port, apiKeys, maxRequestBytes, value, publicBaseUrl, purgeTimeBudget, idleTimeout);
    }

    public HttpConfig withPublicBaseUrl(String value) {
        return new HttpConfig(host, port, apiKeys, maxRequestBytes, allowInsecureBind, value, purgeTimeBudget,
                idleTimeout);
    }

    public HttpConfig withPurgeTimeBudget(Duration value) {
        return new HttpConfig(host, port, apiKeys, maxRequestBytes, allowInsecureBind, publicBaseUrl, value,
                idleTimeout);
    }

    public HttpConfig withIdleTimeout(Duration value) {
        return new HttpConfig(host, port, apiKeys, maxRequestBytes, allowInsecureBind, publicBaseUrl, purgeTimeBudget,
                value);
    }

    public boolean keysRequired() {
        return !apiKeys.isEmpty();
    }

    /** Never prints the keys themselves. */
    @Override
    public String toString() {
        return "HttpConfig[host=" + host + ", port=" + port + ", apiKeys=" + apiKeys.size() + " configured"
                + ", maxRequestBytes=" + maxRequestBytes + ", allowInsecureBind=" + allowInsecureBind
                + ", publicBaseUrl=" + publicBaseUrl + ", purgeTimeBudget=" + purgeTimeBudget
                + ", idleTimeout=" + idleTimeout + "]";
    }

    private static String normalizeBaseUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicBaseUrl '" + url + "' is not a URL; use e.g. https://taskhub.example.com", e);
        }
        String scheme = Objects.requireNonNullElse(uri.getScheme(), "");
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getAuthority() == null) {
            throw new IllegalArgumentException("publicBaseUrl '" + url
                    + "' must be an absolute http or https URL such as https://taskhub.example.com");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }
}
