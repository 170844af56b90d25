package dev.flagstaff.bench.ops;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * GETs of one path on a loopback port over one kept-alive HTTP/1.1 socket, blocking, with TCP_NODELAY: the cheapest
 * way to ask the endpoint again and again. {@code java.net.http} costs several thread hops per request (~3 ms each
 * on this 2-core machine), so polling with it back to back kept about a core busy and slowed the very processes it
 * timed; this poller asks every {@code periodMicros} and costs a fraction of that.
 */
final class FlagPoller implements AutoCloseable {
  private final int port;
  private final byte[] request;
  private final long periodNanos;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  FlagPoller(int port, String path, long periodMicros) {
    this.port = port;
    this.request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: application/json\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    this.periodNanos = periodMicros * 1000;
  }

  /** The body of a 200 answer, or null for another answer. */
  String get() {
    try {
      if (socket == null) {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 8192);
      }
      out.write(request);
      out.flush();
      String status = line();
      int length = -1;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = colon < 0 ? header : header.substring(0, colon).trim();
        String value = colon < 0 ? "" : header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(value);
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          close = true;
        }
      }
      if (length < 0) {
        throw new IOException("no Content-Length in the answer");
      }
      byte[] body = in.readNBytes(length);
      if (close) {
        close();
      }
      return status.contains(" 200 ") ? new String(body, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      close();
      return null;
    }
  }

  /** Waits for the next poll's turn. */
  void pace() {
    LockSupport.parkNanos(periodNanos);
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        socket = null;
      }
    }
  }
}
