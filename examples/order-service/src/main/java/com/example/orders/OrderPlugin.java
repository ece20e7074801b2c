package com.example.orders;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskCanceledException;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.time.Duration;

/**
 * The order workflow: reserve the stock, charge the card (and release the stock when the charge fails), wait
 * for an approval that races a deadline, then ship. Registered by {@code OrderService} when embedded, and found
 * by {@code taskhub serve --plugins DIR} through META-INF/services when this jar is a plugin.
 */
public final class OrderPlugin implements TaskhubPlugin {
    public static final String PROCESS_ORDER = "ProcessOrder";

    /** What the workflow is asked to do. */
    public record Order(String id, String sku, int quantity, long amountCents, int approvalSeconds) {
    }

    @Override
    public void register(TaskRegistry registry) {
        registry.addOrchestrator(PROCESS_ORDER, OrderPlugin::processOrder);
        registry.addActivity("Reserve", ctx -> "reservation-" + order(ctx).sku() + "-" + order(ctx).quantity());
        registry.addActivity("Charge", OrderPlugin::charge);
        registry.addActivity("Release", ctx -> "released " + ctx.getInput(String.class));
        registry.addActivity("Ship", ctx -> "shipment-" + order(ctx).id());
    }

    static String processOrder(OrchestrationContext ctx) {
        Order order = ctx.getInput(Order.class);
        String reservation = ctx.callActivity("Reserve", order, String.class).await();
        try {
            ctx.callActivity("Charge", order, String.class).await();
        } catch (TaskFailedException declined) {
            ctx.callActivity("Release", reservation, String.class).await(); // compensate
            return "CANCELLED: payment declined, " + reservation + " released";
        }
        ctx.setCustomStatus("waiting for approval");
        boolean approved;
        try {
            approved = ctx.waitForExternalEvent("Approval", Duration.ofSeconds(order.approvalSeconds()),
                    Boolean.class).await();
        } catch (TaskCanceledException deadline) {
            approved = false;
        }
        if (!approved) {
            ctx.callActivity("Release", reservation, String.class).await();
            return "CANCELLED: not approved in time, " + reservation + " released";
        }
        String shipment = ctx.callActivity("Ship", order, String.class).await();
        return "SHIPPED: " + shipment;
    }

    static String charge(ActivityContext ctx) {
        Order order = order(ctx);
        if (order.amountCents() > 100_000) {
            throw new IllegalStateException("card declined for " + order.amountCents() + " cents");
        }
        return "charged " + order.amountCents();
    }

    private static Order order(ActivityContext ctx) {
        return ctx.getInput(Order.class);
    }
}
