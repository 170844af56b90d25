package dev.flagstaff.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: liveness {@code /healthz}, readiness {@code /readyz}, Prometheus {@code /metrics}, and
 * any read-only routes a process adds (the endpoint's {@code /flags}). Never exposed by a Service.
 *
 * <p>Jetty 12, so that a client trickling its request holds no thread (the connection waits in the selector, not in
 * a worker) and probes keep answering: a small pool of its own, an idle timeout, and Jetty's JSON errors for what
 * cannot be parsed (a bad percent-encoding is a 400 with {@code {"ok":false,"error":"http_400"}}).
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  /** Probes, scrapes and QA: far fewer at once than this, and none of them holds a thread while it waits. */
  private static final int MAX_THREADS = 16;
  private static final long IDLE_TIMEOUT_MILLIS = 10_000;

  /** What a route answers. */
  public record Reply(int status, String contentType, String body) {
    public static Reply json(int status, String json) {
      return new Reply(status, "application/json", json);
    }
  }

  /** A GET route: the decoded path (under the route's prefix) and the raw query, to a reply. */
  @FunctionalInterface
  public interface Route {
    /** @throws BadRequest for a request the route cannot make sense of: a JSON 400 naming {@code error} */
    Reply handle(String path, String rawQuery);
  }

  /** A request a route refuses, as {@code 400 {"error": code}}. */
  public static final class BadRequest extends RuntimeException {
    public BadRequest(String code) {
      super(code, null, false, false);
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  /** Every address: what the operator uses. */
  public ManagementServer(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) throws IOException {
    this(null, port, registry, ready);
  }

  /**
   * Binds now ({@code host} {@code null} or {@code 0.0.0.0}: every address); serves from {@link #start()}.
   *
   * @throws IOException when the port cannot be bound
   */
  public ManagementServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    threads.setName("management-http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    server.setHandler(new Routes());
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(1_000);
    connector.open();
    route("/healthz", (path, query) -> new Reply(200, "text/plain", "ok\n"));
    route("/readyz", (path, query) -> ready.getAsBoolean()
        ? new Reply(200, "text/plain", "ready\n") : new Reply(503, "text/plain", "not ready\n"));
    route("/metrics", (path, query) ->
        new Reply(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
  }

  /** Adds a GET route for {@code prefix} and everything under {@code prefix/}; other methods get 405. */
  public ManagementServer route(String prefix, Route route) {
    routes.put(prefix, route);
    return this;
  }

  public ManagementServer start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the management port: " + e.getMessage(), e);
    }
    LOG.info("management port listening on {}:{}", connector.getHost() == null ? "*" : connector.getHost(), port());
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("stopping the management port: {}", e.toString());
    }
  }

  /** Blocking: a route may take a while (a scrape), so Jetty runs it on a pool thread, never a selector. */
  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      Route route = find(path);
      Reply reply;
      if (route == null) {
        reply = Reply.json(404, "{\"error\":\"not_found\"}");
      } else if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET");
        reply = Reply.json(405, "{\"error\":\"method_not_allowed\"}");
      } else {
        try {
          reply = route.handle(path, request.getHttpURI().getQuery());
        } catch (BadRequest e) {
          reply = Reply.json(400, "{\"error\":\"" + e.getMessage() + "\"}");
        } catch (RuntimeException e) {
          LOG.warn("management request {} failed: {}", path, e.getClass().getName());
          reply = Reply.json(500, "{\"error\":\"internal\"}");
        }
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      response.setStatus(reply.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      boolean head = "HEAD".equals(request.getMethod());
      response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
      return true;
    }

    private Route find(String path) {
      if (path == null) {
        return null;
      }
      Route exact = routes.get(path);
      if (exact != null) {
        return exact;
      }
      int slash = path.indexOf('/', 1);
      return slash < 0 ? null : routes.get(path.substring(0, slash));
    }
  }
}
