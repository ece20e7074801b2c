package io.taskhub.azure.internal;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import java.nio.charset.StandardCharsets;

/**
 * Queue message bodies as JSON. A body over {@value #MAX_INLINE_BYTES} bytes (base64 on the wire makes it about
 * 60 KiB, under the 64 KiB limit) moves its event or input to the {@link PayloadStore}.
 */
final class MessageCodec {
    static final int MAX_INLINE_BYTES = 45_000;

    private final PayloadStore payloads;

    public MessageCodec(PayloadStore payloads) {
        this.payloads = payloads;
    }

    public String encode(Envelope envelope) {
        String json = JsonCodec.write(envelope);
        if (fits(json) || envelope.ev() == null) {
            return json;
        }
        String reference = payloads.put(envelope.iid(), JsonCodec.writeEvent(envelope.ev()));
        return JsonCodec.write(envelope.withPayload(reference));
    }

    public String encode(TaskEnvelope task) {
        String json = JsonCodec.write(task);
        if (fits(json) || task.input() == null) {
            return json;
        }
        return JsonCodec.write(task.withPayload(payloads.put(task.iid(), task.input())));
    }

    public Envelope decodeEnvelope(String text) {
        return JsonCodec.read(text, Envelope.class);
    }

    public TaskEnvelope decodeTask(String text) {
        return JsonCodec.read(text, TaskEnvelope.class);
    }

    /** The envelope's event, read from the payload store when it is out of line. */
    public HistoryEvent event(Envelope envelope) {
        return envelope.ev() != null ? envelope.ev()
                : JsonCodec.readEvent(payloads.get(envelope.iid(), envelope.ref()));
    }

    public String input(TaskEnvelope task) {
        return task.ref() == null ? task.input() : payloads.get(task.iid(), task.ref());
    }

    private static boolean fits(String json) {
        return json.length() <= MAX_INLINE_BYTES / 3
                || json.getBytes(StandardCharsets.UTF_8).length <= MAX_INLINE_BYTES;
    }
}
