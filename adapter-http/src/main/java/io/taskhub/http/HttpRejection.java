package io.taskhub.http;

/**
 * What the HTTP adapter itself refuses, besides the driving port's exceptions. Each kind says what went wrong;
 * {@link ErrorMapper} alone decides its status code and body.
 */
abstract sealed class HttpRejection extends RuntimeException
        permits HttpRejection.BadRequest, HttpRejection.MissingParameter, HttpRejection.Unauthorized,
        HttpRejection.BodyTooLarge, HttpRejection.UnsupportedMediaType, HttpRejection.UnreadableBody,
        HttpRejection.RequestTimeout {

    private HttpRejection(String message) {
        super(message, null, false, false);
    }

    /** A request that cannot be served as sent; the message is the error body's {@code Message}. */
    static final class BadRequest extends HttpRejection {
        BadRequest(String message) {
            super(message);
        }
    }

    /**
     * A required query parameter is missing; Durable Functions answers with the message as a bare JSON string,
     * and clients rely on that shape.
     */
    static final class MissingParameter extends HttpRejection {
        MissingParameter(String message) {
            super(message);
        }
    }

    /** API keys are configured and the request carries none that matches. */
    static final class Unauthorized extends HttpRejection {
        Unauthorized(String message) {
            super(message);
        }
    }

    /** The request body is larger than the configured limit. */
    static final class BodyTooLarge extends HttpRejection {
        BodyTooLarge(long limit) {
            super("The request body is larger than the limit of " + limit + " bytes.");
        }
    }

    /** The body's declared charset (or media type) is one the server cannot read. */
    static final class UnsupportedMediaType extends HttpRejection {
        UnsupportedMediaType(String message) {
            super(message);
        }
    }

    /** The body broke off or was malformed on the wire (a bad chunk, a client gone mid-body). */
    static final class UnreadableBody extends HttpRejection {
        UnreadableBody(String message) {
            super(message);
        }
    }

    /** The client stopped sending its body for longer than the server waits. */
    static final class RequestTimeout extends HttpRejection {
        RequestTimeout(String message) {
            super(message);
        }
    }
}
