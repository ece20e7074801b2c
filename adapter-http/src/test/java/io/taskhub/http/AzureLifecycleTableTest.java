package io.taskhub.http;

/** {@link LifecycleTableTest} on Azure Storage (Azurite). */
class AzureLifecycleTableTest extends LifecycleTableTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
