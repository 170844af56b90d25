package dev.flagstaff.runtime;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A process's first words with the Kubernetes API server, so that a wrong address, a TLS problem or rejected
 * credentials are said within seconds, with the URL tried and where it came from (kubeconfig, in-cluster,
 * KUBERNETES_MASTER), instead of after the client's retries as {@code Error starting operator: null}.
 */
public final class ApiServerCheck {
  static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** The API server could not be used; the message says which URL, from where, and what failed. */
  public static final class ApiServerUnusable extends RuntimeException {
    ApiServerUnusable(String message) {
      super(message);
    }
  }

  private ApiServerCheck() {}

  /** Where Fabric8 found the configuration of {@code config}, in words. */
  public static String source(Config config, Map<String, String> env) {
    if (env.get("KUBERNETES_MASTER") != null && !env.get("KUBERNETES_MASTER").isBlank()) {
      return "KUBERNETES_MASTER";
    }
    File file = config.getFile();
    if (file != null) {
      String context = config.getCurrentContext() == null ? "" : ", context " + config.getCurrentContext().getName();
      return "kubeconfig " + file + context;
    }
    if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.exists(SERVICE_ACCOUNT_TOKEN)) {
      return "in-cluster service account (KUBERNETES_SERVICE_HOST)";
    }
    return "no kubeconfig found (KUBECONFIG or ~/.kube/config), not in a cluster, no KUBERNETES_MASTER: the default";
  }

  /**
   * Asks the API server for {@code /version} once, without the client's retries, within {@code timeout}.
   *
   * @throws ApiServerUnusable saying the URL, its source and what failed (refused, unknown host, TLS, no answer,
   *     401, 403 with the server's words)
   */
  public static void check(KubernetesClient client, Duration timeout, Map<String, String> env) {
    Config config = client.getConfiguration();
    String where = config.getMasterUrl() + " (from " + source(config, env) + ")";
    Config once = new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout((int) timeout.toMillis())
        .withRequestTimeout((int) timeout.toMillis())
        .build();
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(once).build()) {
      probe.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      throw new ApiServerUnusable("cannot use the Kubernetes API server " + where + ": " + failure(e, timeout));
    }
  }

  /** What went wrong, in words a user can act on. */
  static String failure(KubernetesClientException e, Duration timeout) {
    if (e.getCode() == 401) {
      return "credentials rejected (401 Unauthorized): check the token or client certificate";
    }
    if (e.getCode() == 403) {
      String said = e.getStatus() == null ? null : e.getStatus().getMessage();
      return "forbidden (403)" + (said == null ? "" : ": " + said) + ": grant the missing permission";
    }
    if (e.getCode() > 0) {
      return "HTTP " + e.getCode() + (e.getStatus() == null ? "" : " " + e.getStatus().getMessage());
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return "connection refused (is the API server running, and is this its address?)";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host " + cause.getMessage();
      }
      if (cause instanceof SSLException || cause instanceof CertificateException) {
        return "TLS failed: " + cause.getMessage() + " (check the CA, or whether the server speaks https)";
      }
      if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException
          || cause instanceof java.net.SocketTimeoutException) {
        return "no answer within " + timeout.toSeconds() + "s";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
