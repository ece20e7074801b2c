package io.taskhub.cli.output;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.taskhub.runtime.config.Settings;
import org.slf4j.LoggerFactory;

/**
 * The command's log format (setting {@code log.format}): the text lines of {@code logback.xml}, or one JSON object
 * per line on standard error (logback's JSON encoder: time, level, logger, message, and the MDC with the instance
 * id of instance work), for log collectors.
 */
public final class LogFormat {
    static final String APPENDER = "STDERR";

    private LogFormat() {
    }

    public static void apply(Settings settings) {
        if (!"json".equals(settings.get(Settings.LOG_FORMAT))) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend is in charge
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> current
                && current.getEncoder() instanceof JsonEncoder) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName(APPENDER);
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        root.detachAppender(APPENDER);
        root.addAppender(json);
    }
}
