package io.taskhub.ports.rules;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * Task hub names follow the Durable Functions rule (a letter, then letters or digits, 3 to 45 characters)
 * so that every backend can derive its table, queue and schema names from them.
 */
public final class TaskHubNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9]{2,44}");

    private TaskHubNames() {
    }

    /** @throws InvalidArgumentException naming the accepted form */
    public static String validate(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new InvalidArgumentException("Task hub name '" + name
                    + "' is invalid: use 3 to 45 letters or digits, starting with a letter.");
        }
        return name;
    }
}
