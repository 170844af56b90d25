package dev.flagstaff.runtime;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
   * <p>The request goes over {@code client}'s own HTTP client (a derived one that shares its connections and only
   * turns retries off), so the connection and TLS handshake made here are the ones the process then uses: a start
   * pays for one handshake, not two.
   *
   * @throws ApiServerUnusable saying the URL, its source and what failed (refused, unknown host, TLS, no answer,
   *     401, 403 with the server's words)
   */
  public static void check(KubernetesClient client, Duration timeout, Map<String, String> env) {
    Config config = client.getConfiguration();
    String where = config.getMasterUrl() + " (from " + source(config, env) + ")";
    HttpClient once = client.getHttpClient().newBuilder()
        .tag(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
        .build();
    HttpRequest version = once.newHttpRequestBuilder()
        .uri(URLUtils.join(config.getMasterUrl(), "version"))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .build();
    HttpResponse<String> answer;
    try {
      // the request's own timeout ends it; the wait's is only a bound should the client not honour it
      answer = once.sendAsync(version, String.class).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unusable(where, failure(e.getCause(), timeout));
    } catch (TimeoutException e) {
      throw unusable(where, failure(e, timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unusable(where, "interrupted while asking");
    }
    if (!answer.isSuccessful()) {
      throw unusable(where, refusal(answer.code(), statusMessage(client, answer.body())));
    }
  }

  private static ApiServerUnusable unusable(String where, String what) {
    return new ApiServerUnusable("cannot use the Kubernetes API server " + where + ": " + what);
  }

  /** The {@code message} of a Kubernetes {@code Status} body, or null when the body is not one. */
  private static String statusMessage(KubernetesClient client, String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      Status status = client.getKubernetesSerialization().unmarshal(body, Status.class);
      return status == null ? null : status.getMessage();
    } catch (RuntimeException notAStatus) {
      return null;
    }
  }

  /** What an HTTP refusal means, in words a user can act on. */
  static String refusal(int code, String said) {
    if (code == 401) {
      return "credentials rejected (401 Unauthorized): check the token or client certificate";
    }
    if (code == 403) {
      return "forbidden (403)" + (said == null ? "" : ": " + said) + ": grant the missing permission";
    }
    return "HTTP " + code + (said == null ? "" : " " + said);
  }

  /** What went wrong before any answer, in words a user can act on. */
  static String failure(Throwable e, Duration timeout) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException && ((KubernetesClientException) cause).getCode() > 0) {
        KubernetesClientException refused = (KubernetesClientException) cause;
        return refusal(refused.getCode(), refused.getStatus() == null ? null : refused.getStatus().getMessage());
      }
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
