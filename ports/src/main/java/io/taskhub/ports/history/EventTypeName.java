package io.taskhub.ports.history;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The wire name of an event type when it differs from the record's simple name. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface EventTypeName {
    String value();
}
