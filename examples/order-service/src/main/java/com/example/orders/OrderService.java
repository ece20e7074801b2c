package com.example.orders;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.runtime.Taskhub;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs Taskhub embedded in this application: places three orders (one approved, one declined by the bank, one
 * never approved) and prints how each ended.
 *
 * <p>Settings come from the arguments as key=value ({@code backend=postgres postgres.url=jdbc:...}); without
 * any, an SQLite file in the working directory.
 */
public final class OrderService {
    private OrderService() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sqlite.file", "orders.db");
        for (String arg : args) {
            int equals = arg.indexOf('=');
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(new OrderPlugin()).start()) {
            TaskhubClient orders = taskhub.client();
            String suffix = Long.toHexString(System.nanoTime());
            String approved = start(orders, new OrderPlugin.Order("approved-" + suffix, "A-1", 2, 4_200, 60));
            String declined = start(orders, new OrderPlugin.Order("declined-" + suffix, "B-7", 1, 250_000, 60));
            String late = start(orders, new OrderPlugin.Order("late-" + suffix, "C-3", 1, 1_000, 1));

            orders.waitForStart(approved, Duration.ofSeconds(30));
            awaitApprovalWait(orders, approved);
            orders.raiseEvent(approved, "Approval", "true");

            for (String id : new String[] {approved, declined, late}) {
                InstanceMetadata done = orders.waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
                System.out.println("Order " + id + ": " + done.runtimeStatus() + " " + done.output());
                if (done.runtimeStatus() != RuntimeStatus.Completed) {
                    System.exit(1);
                }
            }
        }
    }

    private static String start(TaskhubClient orders, OrderPlugin.Order order) {
        return orders.startNew(StartInstanceRequest.of(OrderPlugin.PROCESS_ORDER,
                io.taskhub.ports.json.JsonCodec.write(order)).withInstanceId(order.id()));
    }

    /** The approval may come before the wait begins (it is kept), but an operator would wait for the status. */
    private static void awaitApprovalWait(TaskhubClient orders, String id) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            InstanceMetadata m = orders.getStatus(id, io.taskhub.ports.client.StatusOptions.DEFAULT).orElseThrow()
                    .metadata();
            if ("\"waiting for approval\"".equals(m.customStatus())) {
                return;
            }
            Thread.sleep(100);
        }
    }
}
