package io.taskhub.http;

/** Concurrent messages to one instance, on Azure Storage (Azurite, started by the test tooling). */
class AzureConcurrentMessagesTest extends ConcurrentMessagesContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
