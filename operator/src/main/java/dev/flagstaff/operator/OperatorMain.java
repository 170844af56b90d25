package dev.flagstaff.operator;

import dev.flagstaff.runtime.ApiServerCheck;
import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar flagstaff-operator.jar}: configuration from the environment (see the README), the Kubernetes
 * connection from Fabric8's standard configuration (in-cluster, kubeconfig, KUBERNETES_MASTER).
 */
public final class OperatorMain {
  static final int CONFIG_ERROR = 2;
  private static final java.time.Duration API_CHECK_TIMEOUT = java.time.Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

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
    try {
      ApiServerCheck.check(client, API_CHECK_TIMEOUT, System.getenv());
      operator.start();
    } catch (ApiServerCheck.ApiServerUnusable e) {
      LOG.error("flagstaff-operator could not start: {}", e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      LOG.error("flagstaff-operator could not start: {}", rootMessage(e), e);
      System.exit(1);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return e == root ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
  }
}
