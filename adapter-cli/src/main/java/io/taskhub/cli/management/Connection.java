package io.taskhub.cli.management;

import io.taskhub.client.HttpTaskhubClient;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.runtime.Deployment;

/**
 * What a management command works through: the same {@link TaskhubClient} port in both modes, either the
 * engine's client over the configured backend or {@link HttpTaskhubClient} over a running server. The commands
 * see typed values and the ports' exceptions either way, so they behave and print alike.
 */
public final class Connection implements AutoCloseable {
    private final TaskhubClient client;
    private final String description;
    private final FunctionCatalog functions;
    private final Deployment deployment;

    private Connection(TaskhubClient client, String description, FunctionCatalog functions, Deployment deployment) {
        this.client = client;
        this.description = description;
        this.functions = functions;
        this.deployment = deployment;
    }

    /** Straight on the configured backend (no server needed); closing the connection closes the deployment. */
    public static Connection direct(Deployment deployment, String taskHub) {
        TaskhubClient client = deployment.clients().forTaskHub(taskHub);
        return new Connection(client, deployment.backend().name() + " (task hub " + client.taskHub() + ")",
                deployment::functions, deployment);
    }

    /**
     * Over the HTTP API of the server at {@code endpoint} (its root, or the API URL that {@code serve} prints).
     *
     * @param taskHub another task hub the server serves, or null for its own
     */
    public static Connection remote(String endpoint, String taskHub, String apiKey) {
        HttpTaskhubClient server = HttpTaskhubClient.connect(endpoint, apiKey);
        HttpTaskhubClient client = taskHub == null ? server : server.forTaskHub(taskHub);
        return new Connection(client, endpoint, () -> client.functions().functions(), null);
    }

    public TaskhubClient client() {
        return client;
    }

    /** Where the commands are talking to, for messages ("sqlite (task hub Default)", a URL). */
    public String describe() {
        return description;
    }

    /** Whether this is a running server's HTTP API rather than the backend itself. */
    public boolean isRemote() {
        return deployment == null;
    }

    /** What the deployment (or the server) runs. */
    public FunctionCatalog functions() {
        return functions;
    }

    @Override
    public void close() {
        if (deployment != null) {
            deployment.close();
        }
    }
}
