package io.taskhub.http;

/** {@link StartAndStatusTest} on Azure Storage (Azurite). */
class AzureStartAndStatusTest extends StartAndStatusTest {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
