package io.taskhub.samples;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Function chaining: calls {@value #SAY_HELLO} for three cities, one after the other, and returns the greetings
 * in order: {@code ["Hello Tokyo!","Hello Seattle!","Hello London!"]}. Takes no input.
 */
public final class HelloSequence {
    public static final String NAME = "E1_HelloSequence";
    public static final String SAY_HELLO = "E1_SayHello";

    static final List<String> CITIES = List.of("Tokyo", "Seattle", "London");

    private HelloSequence() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, HelloSequence::run);
        registry.addActivity(SAY_HELLO, HelloSequence::sayHello);
    }

    static List<String> run(OrchestrationContext ctx) {
        List<String> greetings = new ArrayList<>();
        for (String city : CITIES) {
            greetings.add(ctx.callActivity(SAY_HELLO, city, String.class).await());
        }
        return greetings;
    }

    static String sayHello(ActivityContext ctx) {
        return "Hello " + ctx.getInput(String.class) + "!";
    }
}
