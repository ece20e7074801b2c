package io.taskhub.ports.errors;

/** A caller-supplied value breaks a rule; the message names the value and what would be accepted. */
public class InvalidArgumentException extends TaskhubException {
    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
