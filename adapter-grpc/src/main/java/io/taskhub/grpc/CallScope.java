package io.taskhub.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.taskhub.ports.security.ApiKeys;

/**
 * Runs before every call: checks the API key (metadata {@code x-functions-key}, as the HTTP API's header) when keys
 * are configured, and notes the task hub the call names (metadata {@code taskhub}; the server's default without).
 */
final class CallScope implements ServerInterceptor {
    static final Metadata.Key<String> KEY = Metadata.Key.of("x-functions-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TASK_HUB = Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER);
    /** The task hub of the current call, or null for the server's default. */
    static final Context.Key<String> CALL_TASK_HUB = Context.key("taskhub");

    private final ApiKeys keys;

    CallScope(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (keys.required() && !keys.accepts(headers.get(KEY))) {
            call.close(Status.UNAUTHENTICATED.withDescription(headers.get(KEY) == null
                    ? "An API key is required: send it as the x-functions-key metadata."
                    : "The API key is not valid."), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        String hub = headers.get(TASK_HUB);
        Context context = Context.current().withValue(CALL_TASK_HUB, hub == null || hub.isBlank() ? null : hub);
        return Contexts.interceptCall(context, call, headers, next);
    }
}
