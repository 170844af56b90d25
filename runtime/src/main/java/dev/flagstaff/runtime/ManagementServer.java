package dev.flagstaff.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: liveness {@code /healthz}, readiness {@code /readyz}, Prometheus {@code /metrics}, and
 * any read-only routes a process adds (the endpoint's {@code /flags}). Never exposed by a Service.
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  static {
    // The JDK server leaves Nagle's algorithm on: each GET on a kept-alive connection then waits for the
    // client's delayed ACK (~40 ms; benchmarks/results/P2.md). Must be set before the server class loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  public ManagementServer(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "management-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    route("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    route("/readyz", exchange -> {
      boolean isReady = ready.getAsBoolean();
      respond(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
    });
    route("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
  }

  /** Adds a GET route; other methods get 405. Errors become a 500 without details. */
  public ManagementServer route(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          exchange.getResponseHeaders().set("Allow", "GET");
          respond(exchange, 405, "application/json", "{\"error\":\"method_not_allowed\"}");
          return;
        }
        handler.handle(exchange);
      } catch (RuntimeException | IOException e) {
        LOG.warn("management request {} failed: {}", path, e.toString());
        try {
          respond(exchange, 500, "application/json", "{\"error\":\"internal\"}");
        } catch (IOException | RuntimeException ignored) {
          // the response was already started; nothing more to say
        }
      }
    });
    return this;
  }

  public ManagementServer start() {
    server.start();
    LOG.info("management port listening on {}", port());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
