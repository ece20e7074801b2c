package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The instance's page when the server cannot answer for a moment: it says so, and shows the instance once it can,
 * without being opened again. The storage under the server fails the history reads of one instance a few times.
 */
class DashboardRecoveryBrowserTest extends DashboardTestBase {
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile String failing = "";

    @Override
    protected StorageBackend newBackend() {
        StorageBackend real = super.newBackend();
        return (StorageBackend) Proxy.newProxyInstance(StorageBackend.class.getClassLoader(),
                new Class<?>[] {StorageBackend.class}, (proxy, method, args) -> {
                    Object result = call(real, method, args);
                    return method.getName().equals("taskHub") ? failingHistoryReads((OrchestrationStore) result)
                            : result;
                });
    }

    private OrchestrationStore failingHistoryReads(OrchestrationStore real) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHistory") && failing.equals(args[0])
                            && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new StorageException("the storage does not answer (a test's fault)");
                    }
                    return call(real, method, args);
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void anInstanceThatCouldNotBeRead_isShownOnceItCanBe_withoutOpeningItAgain() {
        String id = running();
        failing = id;
        failuresLeft.set(2);

        open("/instances/" + id);

        assertThat(text("#load-failed")).contains("The storage backend does not answer");
        until(d -> id.equals(text("#instance-id")));
        assertThat(text("#instance-status")).isEqualTo("Running");
        assertThat(failuresLeft.get()).isZero();
    }
}
