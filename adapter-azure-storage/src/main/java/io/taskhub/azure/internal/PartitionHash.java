package io.taskhub.azure.internal;

import java.nio.charset.StandardCharsets;

/**
 * Maps an instance id to its partition (control queue): the 32-bit FNV-1a hash of the id's UTF-8 bytes, taken
 * unsigned, modulo the partition count. The same function the Durable Task Framework's Azure Storage provider
 * uses, so the mapping is stable across processes, versions and languages.
 */
final class PartitionHash {
    private static final int OFFSET_BASIS = 0x811C9DC5;
    private static final int PRIME = 0x01000193;

    private PartitionHash() {
    }

    public static int partitionOf(String instanceId, int partitionCount) {
        return (int) (Integer.toUnsignedLong(fnv1a(instanceId)) % partitionCount);
    }

    static int fnv1a(String value) {
        int hash = OFFSET_BASIS;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= PRIME;
        }
        return hash;
    }
}
