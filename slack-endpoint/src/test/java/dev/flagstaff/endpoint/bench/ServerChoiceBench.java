package dev.flagstaff.endpoint.bench;

import com.slack.api.app_backend.SlackSignature;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The measurement behind SERVER-CHOICE.md: the same work (read the body, HMAC it with the Slack SDK's generator,
 * compare in constant time, answer a small JSON) on Jetty 12's core Handler and on the JDK HttpServer, on
 * loopback, driven by wrk (see bench/server-choice.sh). Not a test: {@code java -cp ... ServerChoiceBench jetty|jdk PORT}.
 */
public final class ServerChoiceBench {
  private static final SlackSignature.Generator GENERATOR = new SlackSignature.Generator("bench-secret");
  private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    if ("jetty".equals(args[0])) {
      QueuedThreadPool pool = new QueuedThreadPool(32);
      Server server = new Server(pool);
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(port);
      server.addConnector(connector);
      server.setHandler(new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
          byte[] body = Content.Source.asByteArrayAsync(request, 1 << 20).get();
          int status = work(request.getHeaders().get("X-Slack-Request-Timestamp"),
              request.getHeaders().get("X-Slack-Signature"), body);
          response.setStatus(status);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
          response.write(true, java.nio.ByteBuffer.wrap(OK), callback);
          return true;
        }
      });
      server.start();
      server.join();
    } else {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
      ExecutorService executor = Executors.newFixedThreadPool(32);
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        try (exchange; InputStream in = exchange.getRequestBody()) {
          byte[] body = in.readNBytes(1 << 20);
          int status = work(exchange.getRequestHeaders().getFirst("X-Slack-Request-Timestamp"),
              exchange.getRequestHeaders().getFirst("X-Slack-Signature"), body);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, OK.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(OK);
          }
        }
      });
      server.start();
    }
  }

  static int work(String timestamp, String signature, byte[] body) {
    String expected = GENERATOR.generate(timestamp, new String(body, StandardCharsets.UTF_8));
    boolean valid = signature != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    return valid ? 200 : 401;
  }
}
