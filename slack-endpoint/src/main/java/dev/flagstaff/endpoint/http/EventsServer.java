package dev.flagstaff.endpoint.http;

import dev.flagstaff.runtime.JsonErrorHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The Events API port: Jetty 12 with one core handler (see SERVER-CHOICE.md for why Jetty). */
public final class EventsServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  public EventsServer(String host, int port, Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("slack-http");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(30_000);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(2_000);
  }

  public void start() throws Exception {
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
