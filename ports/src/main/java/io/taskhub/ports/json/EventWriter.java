package io.taskhub.ports.json;

import io.taskhub.ports.history.HistoryEvent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a history event as the codec's mapper writes it, without the mapper: the type's name under
 * {@code "eventType"} first, then the record's components in their order, nulls left out, nested records (a parent,
 * a failure) as objects of their components, maps as objects in their order, instants as {@link JsonCodec#isoInstant}
 * writes them, enums by name. Every step writes a few events, and the mapper's polymorphic serialization was the
 * largest piece of a step's own work in the process (a tenth of an activity thread's CPU in a burst), and one of the
 * larger bodies of code the JIT compiled on its path.
 *
 * <p>A value of any other type makes {@link #write} return null, and the codec then asks the mapper:
 * HistoryEventJsonTest holds every event type to the text the mapper wrote.
 */
final class EventWriter {
    /** A record component: its JSON name and its accessor, typed {@code (Object) -> Object}. */
    private record Component(String name, MethodHandle accessor) {
    }

    /** A record type's components; null for a record whose accessors are not public (left to the mapper). */
    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Component[] result = new Component[components.length];
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            for (int i = 0; i < components.length; i++) {
                try {
                    result[i] = new Component(components[i].getName(), lookup.unreflect(components[i].getAccessor())
                            .asType(MethodType.methodType(Object.class, Object.class)));
                } catch (IllegalAccessException e) {
                    return null;
                }
            }
            return result;
        }
    };

    private static final ClassValue<String> TYPE_NAMES = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected String computeValue(Class<?> type) {
            return HistoryEvent.typeName((Class<? extends HistoryEvent>) type);
        }
    };

    /** Signals a value this writer does not write; the codec's mapper writes the event instead. */
    private static final class NotWritten extends Exception {
        private static final long serialVersionUID = 1L;

        NotWritten() {
            super(null, null, false, false);
        }
    }

    private EventWriter() {
    }

    /** The event's JSON, or null if it holds a value of a type this writer leaves to the mapper. */
    static String write(HistoryEvent event) {
        if (!(event instanceof Record record)) {
            return null;
        }
        StringBuilder json = new StringBuilder(160);
        json.append("{\"eventType\":");
        JsonCodec.appendString(json, TYPE_NAMES.get(event.getClass()));
        try {
            components(json, record, true);
        } catch (NotWritten e) {
            return null;
        }
        return json.append('}').toString();
    }

    private static void components(StringBuilder json, Record value, boolean afterField) throws NotWritten {
        Component[] fields = COMPONENTS.get(value.getClass());
        if (fields == null) {
            throw new NotWritten();
        }
        boolean comma = afterField;
        for (Component component : fields) {
            Object field;
            try {
                field = component.accessor().invokeExact((Object) value);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + component.name() + " of "
                        + value.getClass().getName(), e);
            }
            if (field == null) {
                continue; // left out, as the mapper's NON_NULL inclusion leaves it
            }
            if (comma) {
                json.append(',');
            }
            comma = true;
            JsonCodec.appendString(json, component.name());
            json.append(':');
            value(json, field);
        }
    }

    private static void value(StringBuilder json, Object value) throws NotWritten {
        if (value instanceof String text) {
            JsonCodec.appendString(json, text);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            json.append(value);
        } else if (value instanceof Instant instant) {
            json.append('"').append(JsonCodec.isoInstant(instant)).append('"');
        } else if (value instanceof Enum<?> constant) {
            JsonCodec.appendString(json, constant.name());
        } else if (value instanceof Record record) {
            json.append('{');
            components(json, record, false);
            json.append('}');
        } else if (value instanceof Map<?, ?> map) {
            json.append('{');
            boolean comma = false;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new NotWritten();
                }
                if (comma) {
                    json.append(',');
                }
                comma = true;
                JsonCodec.appendString(json, key);
                json.append(':');
                if (entry.getValue() == null) {
                    throw new NotWritten(); // the mapper's business: its inclusion rules for map contents
                }
                value(json, entry.getValue());
            }
            json.append('}');
        } else {
            throw new NotWritten();
        }
    }
}
