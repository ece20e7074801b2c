package io.taskhub.e2e;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.util.ArrayList;
import java.util.List;

/**
 * {@value #SLOW_HELLO_SEQUENCE}: the hello sequence with activities that take {@value #ACTIVITY_MILLIS} ms each,
 * so that a test can stop a server between two of them. A plugin like any user's: {@code serve} finds it with
 * ServiceLoader when the test classes are on its class path.
 */
public final class SlowHelloPlugin implements TaskhubPlugin {
    static final String SLOW_HELLO_SEQUENCE = "SlowHelloSequence";
    static final String SLOW_SAY_HELLO = "SlowHello_SayHello";
    static final long ACTIVITY_MILLIS = 1000;

    @Override
    public void register(TaskRegistry registry) {
        registry.addOrchestrator(SLOW_HELLO_SEQUENCE, SlowHelloPlugin::run);
        registry.addActivity(SLOW_SAY_HELLO, SlowHelloPlugin::sayHello);
    }

    private static List<String> run(OrchestrationContext ctx) {
        List<String> greetings = new ArrayList<>();
        for (String city : List.of("Tokyo", "Seattle", "London")) {
            greetings.add(ctx.callActivity(SLOW_SAY_HELLO, city, String.class).await());
        }
        return greetings;
    }

    private static String sayHello(ActivityContext ctx) throws InterruptedException {
        Thread.sleep(ACTIVITY_MILLIS);
        return "Hello " + ctx.getInput(String.class) + "!";
    }
}
