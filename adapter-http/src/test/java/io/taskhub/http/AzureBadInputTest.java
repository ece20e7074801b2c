package io.taskhub.http;

/** The bad-input corpus on Azure Storage (Azurite, started by the test tooling). */
class AzureBadInputTest extends BadInputContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
