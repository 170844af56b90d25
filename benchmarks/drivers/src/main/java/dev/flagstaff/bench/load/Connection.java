package dev.flagstaff.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection of the driver, carrying at most one request at a time (no pipelining). The
 * sender thread writes requests; the reader thread reads and parses the answers. A request's fields are written
 * before its bytes go out and read by the reader thread after its answer arrives, so the socket orders them.
 */
final class Connection {
  private static final int MAX_RESPONSE = 64 * 1024;

  final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE);

  /** The request in flight: its scheduled send time, and whether it falls in the measured window. */
  volatile long intendedNanos;
  volatile boolean measured;
  volatile boolean busy;
  /** Whether the last complete response asked for the connection to be closed. */
  boolean closeRequested;

  private Connection(SocketChannel channel) {
    this.channel = channel;
  }

  static Connection open(InetSocketAddress address, Selector selector) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
    channel.connect(address);
    channel.configureBlocking(false);
    Connection connection = new Connection(channel);
    channel.register(selector, SelectionKey.OP_READ, connection);
    return connection;
  }

  /** Writes the whole request; loopback takes a request of a few hundred bytes in one write. */
  void send(ByteBuffer request, long intended, boolean inWindow) throws IOException {
    intendedNanos = intended;
    measured = inWindow;
    busy = true;
    while (request.hasRemaining()) {
      if (channel.write(request) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * Reads what is available. Returns the HTTP status once a whole response has arrived, {@code 0} while it is
   * incomplete, {@code -1} when the server closed the connection.
   */
  int read() throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      return -1;
    }
    int status = complete();
    if (status > 0) {
      in.clear();
    }
    return status;
  }

  private int complete() throws IOException {
    byte[] bytes = in.array();
    int length = in.position();
    int headerEnd = indexOf(bytes, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headerEnd < 0) {
      if (length == MAX_RESPONSE) {
        throw new IOException("response head too large");
      }
      return 0;
    }
    String head = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
    int bodyStart = headerEnd + 4;
    String lower = head.toLowerCase(java.util.Locale.ROOT);
    int contentLength = header(lower, "content-length");
    boolean done;
    if (contentLength >= 0) {
      done = length - bodyStart >= contentLength;
    } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
      done = indexOf(bytes, length, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), bodyStart - 2) >= 0;
    } else {
      throw new IOException("response without length");
    }
    if (!done) {
      return 0;
    }
    closeRequested = lower.contains("\r\nconnection: close");
    // "HTTP/1.1 200 OK"
    return Integer.parseInt(head.substring(9, 12));
  }

  private static int header(String lowerHead, String name) {
    int at = lowerHead.indexOf("\r\n" + name + ":");
    if (at < 0) {
      return -1;
    }
    int start = at + name.length() + 3;
    int end = lowerHead.indexOf("\r\n", start);
    return Integer.parseInt(lowerHead.substring(start, end < 0 ? lowerHead.length() : end).trim());
  }

  private static int indexOf(byte[] bytes, int length, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
