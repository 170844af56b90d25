package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagSpec;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * How the two jars are configured, the flags the drivers create, and the Fabric8 mock API server (still used by
 * P5; P2 and P4 run on a real API server, see {@link RealCluster}).
 */
final class Cluster {
  static final String ENVIRONMENT = "production";
  /** Held so that the level sticks: the mock logs every request at INFO, which costs the driver at 10,000 flags. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private Cluster() {
  }

  static void quietMock() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** A client of the mock whose requests carry the driver's User-Agent, so that tallies can leave them out. */
  static KubernetesClient driverClient(KubernetesTestServer server, String namespace) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(server.url())
        .withNamespace(namespace)
        .withUserAgent("flagstaff-bench-driver")
        .withRequestTimeout(60_000)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** What both jars need to reach the mock (as the end-to-end test sets it). */
  static Map<String, String> kubeEnv(KubernetesTestServer server, String namespace) {
    Map<String, String> env = new HashMap<>();
    env.put("KUBERNETES_MASTER", server.url());
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", namespace);
    env.put("KUBECONFIG", "/nonexistent");
    return env;
  }

  static Map<String, String> operatorEnv(KubernetesTestServer server, String namespace, int managementPort) {
    Map<String, String> env = kubeEnv(server, namespace);
    env.put("FLAGSTAFF_ENVIRONMENT", ENVIRONMENT);
    env.put("FLAGSTAFF_NAMESPACES", namespace);
    env.put("FLAGSTAFF_MANAGEMENT_PORT", Integer.toString(managementPort));
    return env;
  }

  /** The endpoint reading the ConfigMap through the API (flagsDir null) or a mounted directory. */
  static Map<String, String> endpointEnv(Map<String, String> kube, String namespace, String flagsDir, int port,
      int managementPort) {
    Map<String, String> env = new HashMap<>(kube);
    env.put("SLACK_SIGNING_SECRET", "bench-signing-secret-0123456789abcdef");
    env.put("SLACK_BOT_TOKEN", "xoxb-bench-unused");
    env.put("SLACK_API_URL", "http://127.0.0.1:9/api/");
    env.put("FLAGSTAFF_ENVIRONMENT", ENVIRONMENT);
    env.put("FLAGSTAFF_BIND_ADDRESS", "127.0.0.1");
    env.put("FLAGSTAFF_PORT", Integer.toString(port));
    env.put("FLAGSTAFF_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("FLAGSTAFF_LOG_LEVEL", "WARN");
    if (namespace != null) {
      env.put("FLAGSTAFF_NAMESPACE", namespace);
    }
    if (flagsDir != null) {
      env.put("FLAGSTAFF_FLAGS_FILE", flagsDir);
    }
    return env;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A flag on in production (nothing else set): the kind of resource a GitOps folder holds by the thousand. */
  static FeatureFlag flag(String name, boolean enabled) {
    EnvironmentState production = new EnvironmentState();
    production.setEnabled(enabled);
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.setEnvironments(new HashMap<>(Map.of(ENVIRONMENT, production)));
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName(name).build());
    flag.setSpec(spec);
    return flag;
  }

  static String flagName(int i) {
    return String.format("flag-%05d", i);
  }

  /** Creates flags {@code 0..n-1} with {@code threads} parallel creates; returns once every create returned. */
  static void createFlags(KubernetesClient client, String namespace, int n, int threads) throws InterruptedException {
    createFlags(client, namespace, 0, n, threads);
  }

  /** Creates flags {@code from..to-1} with {@code threads} parallel creates; returns once every create returned. */
  static void createFlags(KubernetesClient client, String namespace, int from, int to, int threads)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        FeatureFlag flag = flag(flagName(i), true);
        done.add(pool.submit(() -> client.resources(FeatureFlag.class).inNamespace(namespace).resource(flag).create()));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a create failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
