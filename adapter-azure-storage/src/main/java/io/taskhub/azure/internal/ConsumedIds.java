package io.taskhub.azure.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The logical ids of the messages an instance's recent checkpoints consumed, kept in its history sentinel. A
 * message is deleted from its queue only after the checkpoint that consumed it committed; if the worker dies in
 * between, the message comes back, and this set is how the next claim recognises it as already processed.
 * Sender-side copies (a step re-run after a crash sends its outbox again, with the same logical ids) are caught
 * the same way.
 *
 * <p>Entries are kept for {@link #WINDOW} and at most {@link #CAPACITY} (24 bytes each, so they fit one 64 KiB
 * binary property): far longer than a redelivery takes (one lease duration).
 */
final class ConsumedIds {
    static final Duration WINDOW = Duration.ofHours(1);
    static final int CAPACITY = 2_600;
    private static final int ENTRY_BYTES = 24;

    private final LinkedHashMap<UUID, Long> entries;

    private ConsumedIds(LinkedHashMap<UUID, Long> entries) {
        this.entries = entries;
    }

    static ConsumedIds empty() {
        return new ConsumedIds(new LinkedHashMap<>());
    }

    static ConsumedIds fromBytes(byte[] bytes) {
        LinkedHashMap<UUID, Long> entries = new LinkedHashMap<>();
        if (bytes != null) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.remaining() >= ENTRY_BYTES) {
                entries.put(new UUID(buffer.getLong(), buffer.getLong()), buffer.getLong());
            }
        }
        return new ConsumedIds(entries);
    }

    boolean contains(String id) {
        return id != null && entries.containsKey(parse(id));
    }

    /** A copy with {@code ids} added at {@code now}, entries past the window or the capacity dropped. */
    ConsumedIds plus(Collection<String> ids, Instant now) {
        LinkedHashMap<UUID, Long> next = new LinkedHashMap<>();
        long oldest = now.minus(WINDOW).toEpochMilli();
        entries.forEach((id, at) -> {
            if (at >= oldest) {
                next.put(id, at);
            }
        });
        for (String id : ids) {
            UUID uuid = parse(id);
            next.remove(uuid);
            next.put(uuid, now.toEpochMilli());
        }
        var iterator = next.entrySet().iterator();
        while (next.size() > CAPACITY && iterator.hasNext()) {
            iterator.next();
            iterator.remove();
        }
        return new ConsumedIds(next);
    }

    byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(entries.size() * ENTRY_BYTES);
        for (Map.Entry<UUID, Long> entry : entries.entrySet()) {
            buffer.putLong(entry.getKey().getMostSignificantBits()).putLong(entry.getKey().getLeastSignificantBits())
                    .putLong(entry.getValue());
        }
        return buffer.array();
    }

    int size() {
        return entries.size();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            // Not a UUID (written by something else): fold it into one so it can still be remembered.
            return UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
