package dev.flagstaff.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a process says when the API server cannot be used: the URL, where it came from, and what failed. */
class ApiServerCheckTest {
  private static final Map<String, String> MASTER = Map.of("KUBERNETES_MASTER", "set");

  private static KubernetesClient client(String url) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url)
        .withAutoConfigure(false).build()).build();
  }

  @Test
  void nothingListeningIsRefusedAndNamesTheUrlAndItsSource() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (KubernetesClient client = client("https://127.0.0.1:" + port)) {
      assertThatThrownBy(() -> ApiServerCheck.check(client, Duration.ofSeconds(3), MASTER))
          .hasMessage("cannot use the Kubernetes API server https://127.0.0.1:" + port + "/ (from KUBERNETES_MASTER): "
              + "connection refused (is the API server running, and is this its address?)");
    }
  }

  @Test
  void rejectedCredentialsAreSaid() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"Unauthorized\",\"code\":401}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    int port = server.getAddress().getPort();
    try (KubernetesClient http = client("http://127.0.0.1:" + port)) {
      assertThatThrownBy(() -> ApiServerCheck.check(http, Duration.ofSeconds(3), MASTER))
          .hasMessageEndingWith("credentials rejected (401 Unauthorized): check the token or client certificate");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aRefusalSaysTheServersWords() throws IOException {
    HttpServer server = answering(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
        + "\"message\":\"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/version\\\"\",\"code\":403}");
    try (KubernetesClient http = client("http://127.0.0.1:" + server.getAddress().getPort())) {
      assertThatThrownBy(() -> ApiServerCheck.check(http, Duration.ofSeconds(3), MASTER))
          .hasMessageEndingWith("forbidden (403): forbidden: User \"system:anonymous\" cannot get path \"/version\": "
              + "grant the missing permission");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aServerThatNeverAnswersIsSaidWithinTheTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        KubernetesClient http = client("http://127.0.0.1:" + silent.getLocalPort())) {
      assertThatThrownBy(() -> ApiServerCheck.check(http, Duration.ofSeconds(1), MASTER))
          .hasMessageEndingWith("no answer within 1s");
    }
  }

  @Test
  void theCheckOpensTheConnectionTheClientGoesOnUsing() throws IOException {
    List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      byte[] body = "{\"major\":\"1\",\"minor\":\"37\",\"gitVersion\":\"v1.37.2\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try (KubernetesClient http = client("http://127.0.0.1:" + server.getAddress().getPort())) {
      ApiServerCheck.check(http, Duration.ofSeconds(3), MASTER);
      assertThat(http.getKubernetesVersion().getGitVersion()).isEqualTo("v1.37.2");
      // one connection, so one TLS handshake on a real server: the check's, which the client then reuses
      assertThat(clientPorts).hasSize(2);
      assertThat(clientPorts.get(1)).isEqualTo(clientPorts.get(0));
    } finally {
      server.stop(0);
    }
  }

  private static HttpServer answering(int code, String json) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  @Test
  void theSourceIsSaid() {
    assertThat(ApiServerCheck.source(new ConfigBuilder().withAutoConfigure(false).build(), Map.of()))
        .startsWith("no kubeconfig found");
  }
}
