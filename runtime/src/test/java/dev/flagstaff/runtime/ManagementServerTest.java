package dev.flagstaff.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The management port through real connections on loopback. */
class ManagementServerTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final List<Socket> sockets = new ArrayList<>();
  ManagementServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  private ManagementServer start(String host) throws IOException {
    server = new ManagementServer(host, 0, registry, () -> true);
    server.route("/echo", (path, query) -> {
      if (query != null && query.contains("%zz")) {
        throw new ManagementServer.BadRequest("invalid_query");
      }
      return ManagementServer.Reply.json(200, "{\"path\":\"" + path + "\"}");
    });
    return server.start();
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(3)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends {@code raw} as it is and reads the whole answer (the server closes after a 400). */
  private String raw(String raw) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void probesAnswerWhileManyClientsTrickleTheirHeaders() throws Exception {
    start("127.0.0.1");
    // More than the pool has threads; each has sent part of a request line and stops there.
    for (int i = 0; i < 50; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
      OutputStream out = socket.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: 127".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      sockets.add(socket);
    }
    for (int n = 0; n < 3; n++) {
      HttpResponse<String> health = get("/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
    }
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").headers().firstValue("content-type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
  }

  @Test
  void aBadPercentEncodingIsAJson400() throws Exception {
    start("127.0.0.1");
    String inPath = raw("GET /echo/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(inPath).startsWith("HTTP/1.1 400").contains("application/json").contains("\"error\"")
        .doesNotContain("<html", "Exception");
    String inQuery = raw("GET /echo/k?actor=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(inQuery).startsWith("HTTP/1.1 400").contains("{\"error\":\"invalid_query\"}");
  }

  @Test
  void routesOtherMethodsAndUnknownPaths() throws Exception {
    start("127.0.0.1");
    assertThat(get("/echo/a").body()).isEqualTo("{\"path\":\"/echo/a\"}");
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
    HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/healthz")).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void itListensOnlyOnTheAddressItIsGiven() throws Exception {
    start("127.0.0.1");
    // Every 127.x address is loopback on Linux: a server bound to every address would answer on 127.0.0.2 too.
    assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.2"), server.port()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }
}
