package io.taskhub.http;

/** Random requests against the server over Azure Storage (Azurite), in a task hub of its own. */
class AzureRequestFuzzTest extends RequestFuzzContract {
    @Override
    protected TestBackends.Kind backendKind() {
        return TestBackends.Kind.AZURE_STORAGE;
    }
}
