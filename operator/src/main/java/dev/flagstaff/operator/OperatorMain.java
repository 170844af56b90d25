package dev.flagstaff.operator;

import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar flagstaff-operator.jar}: configuration from the environment (see the README), the Kubernetes
 * connection from Fabric8's standard configuration (in-cluster, kubeconfig, KUBERNETES_MASTER).
 */
public final class OperatorMain {
  static final int CONFIG_ERROR = 2;

  private OperatorMain() {}

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Config config = Config.fromEnvironment();
    KubernetesClient client = new KubernetesClientBuilder().build();
    FlagstaffOperator operator;
    try {
      operator = new FlagstaffOperator(config, client);
    } catch (ConfigException e) {
      client.close();
      System.err.println("flagstaff-operator: " + e.getMessage());
      System.exit(CONFIG_ERROR);
      return;
    }
    operator.onLeadershipLost(() -> System.exit(1));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
    }, "flagstaff-shutdown"));
    operator.start();
  }
}
