package io.taskhub.e2e;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Starts this module's longest test classes first (minutes each, where most take seconds), so that the classes
 * running in parallel end at about the same time instead of one long class running alone at the end. Set in
 * {@code junit-platform.properties}; the other classes keep their order after these.
 */
public final class SlowestFirst implements ClassOrderer {
    /** Longest first, as measured in full runs of the test command. */
    private static final List<String> SLOWEST = List.of(AzureChaosTest.class.getName(),
            SqliteDirectCommandsTest.class.getName(), SqliteEndpointCommandsTest.class.getName(),
            PostgresChaosTest.class.getName(), OrderServiceExampleTest.class.getName(),
            SqliteChaosTest.class.getName(), AzureDirectCommandsTest.class.getName(),
            PostgresDirectCommandsTest.class.getName());

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(descriptor -> {
            int rank = SLOWEST.indexOf(descriptor.getTestClass().getName());
            return rank < 0 ? SLOWEST.size() : rank;
        }));
    }
}
