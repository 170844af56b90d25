package dev.flagstaff.endpoint;

import dev.flagstaff.runtime.ApiServerCheck;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;

/** {@code java -jar flagstaff-slack-endpoint.jar}: configuration from the environment (README, "Slack endpoint"). */
public final class EndpointMain {
  private EndpointMain() {}

  public static void main(String[] args) {
    Config config = Config.fromEnvironment();
    KubernetesClient client = null;
    SlackEndpoint endpoint;
    try {
      if (config.string("FLAGSTAFF_FLAGS_FILE") == null) {
        client = new KubernetesClientBuilder().build();
      }
      endpoint = new SlackEndpoint(config, client);
    } catch (ConfigException e) {
      System.err.println("flagstaff-slack-endpoint: " + e.getMessage());
      if (client != null) {
        client.close();
      }
      System.exit(2);
      return;
    }
    KubernetesClient owned = client;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      endpoint.close(Duration.ofSeconds(5));
      if (owned != null) {
        owned.close();
      }
    }, "shutdown"));
    try {
      if (client != null) {
        ApiServerCheck.check(client, Duration.ofSeconds(5), System.getenv());
      }
      endpoint.start();
    } catch (RuntimeException e) {
      System.err.println("flagstaff-slack-endpoint: " + e.getMessage());
      System.exit(1);
    }
  }
}
