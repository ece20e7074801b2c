package io.taskhub.http;

/** Batch starts on Azure Storage (one instance after the other). */
class AzureBatchStartTest extends BatchStartContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
