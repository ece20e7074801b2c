package io.taskhub.runtime.config;

/** A setting is unknown or has an invalid value; the message names it and what is accepted. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
