package io.taskhub.ports.rules;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The rules for orchestration instance ids (HTTP-API.md): one place for validation and generation. */
public final class InstanceIds {
    public static final int MAX_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceIds() {
    }

    /** A new random id: 32 lowercase hex digits. */
    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Returns the id unchanged when it is valid.
     *
     * @throws InvalidArgumentException naming the rule the id breaks
     */
    public static String validate(String instanceId) {
        if (instanceId == null || instanceId.isEmpty()) {
            throw new InvalidArgumentException("Instance id must not be empty.");
        }
        if (instanceId.length() > MAX_LENGTH) {
            throw new InvalidArgumentException("Instance id is " + instanceId.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed.");
        }
        if (instanceId.charAt(0) == '@') {
            throw new InvalidArgumentException("Instance id '" + instanceId + "' must not start with '@'.");
        }
        for (int i = 0; i < instanceId.length(); i++) {
            char c = instanceId.charAt(i);
            if (c == '/' || c == '\\' || c == '?' || c == '#' || Character.isISOControl(c)) {
                throw new InvalidArgumentException("Instance id '" + printable(instanceId)
                        + "' contains the character " + describe(c)
                        + "; ids must not contain '/', '\\', '?', '#' or control characters.");
            }
        }
        StorableText.require("instanceId", instanceId);
        return instanceId;
    }

    /**
     * Returns an id given to look an instance up when it could name a stored instance: not empty, and text that
     * can be stored. Lookups are laxer than {@link #validate}, which applies to new ids only.
     *
     * @throws InvalidArgumentException naming the problem
     */
    public static String validateLookup(String instanceId) {
        if (instanceId == null || instanceId.isEmpty()) {
            throw new InvalidArgumentException("An instance id is required.");
        }
        return StorableText.require("instanceId", instanceId);
    }

    private static String describe(char c) {
        return Character.isISOControl(c) ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private static String printable(String id) {
        StringBuilder out = new StringBuilder();
        id.codePoints().forEach(cp -> out.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
        return out.toString();
    }
}
