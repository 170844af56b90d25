package dev.flagstaff.bench.load;

import com.slack.api.app_backend.SlackSignature;
import dev.flagstaff.testkit.SlackRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One open-loop run: signed {@code app_home_opened} event_callbacks sent to one target at a fixed rate for a fixed
 * time, over a pool of keep-alive connections, whatever the answers do. Request {@code i} is scheduled at
 * {@code start + i / rate}; its latency is measured from that scheduled time to the last byte of its answer, so
 * a request that waits — for a free connection, or for the driver itself — is charged the wait (no coordinated
 * omission). Each request gets its own {@code event_id} and is signed with the current timestamp just before its
 * scheduled time, the way Slack signs.
 *
 * <p>Two threads: the sender parks until each scheduled time and writes; the reader selects on all connections
 * and parses answers. A request whose scheduled time comes while every connection is busy waits in a queue and
 * goes out on the next connection that frees up.
 */
final class OpenLoopRun {
  private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);

  record Plan(String target, URI uri, int rate, Duration leadIn, Duration duration, int connections,
      Duration timeout, String secret, String eventIdPrefix) {
  }

  private record Pending(ByteBuffer request, long intendedNanos, boolean measured) {
  }

  private final Plan plan;
  private final InetSocketAddress address;
  private final SlackSignature.Generator signer;
  private final Selector selector;
  private final List<Connection> connections = new ArrayList<>();
  private final Object lock = new Object();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  // Written by the reader thread only (and the timeout scan, which runs on it); read after it is joined.
  private final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);
  private long ok;
  private long non200;
  private long timeouts;
  private long ioErrors;
  private long completedMeasured;
  // Written by the sender thread only.
  private final Histogram sendLag = new Histogram(MAX_LATENCY_MICROS, 3);
  private volatile long sentMeasured = -1;

  private OpenLoopRun(Plan plan) throws IOException {
    this.plan = plan;
    int port = plan.uri().getPort() < 0 ? 80 : plan.uri().getPort();
    this.address = new InetSocketAddress(plan.uri().getHost(), port);
    this.signer = new SlackSignature.Generator(plan.secret());
    this.selector = Selector.open();
  }

  static RunResult run(Plan plan) throws IOException, InterruptedException {
    OpenLoopRun run = new OpenLoopRun(plan);
    try {
      return run.execute();
    } finally {
      run.connections.forEach(Connection::close);
      run.selector.close();
    }
  }

  private RunResult execute() throws IOException, InterruptedException {
    for (int i = 0; i < plan.connections(); i++) {
      Connection c = Connection.open(address, selector);
      connections.add(c);
      idle.add(c);
    }
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long measureFrom = start + plan.leadIn().toNanos();
    long end = measureFrom + plan.duration().toNanos();
    Thread reader = new Thread(() -> readLoop(end), "load-reader");
    reader.setDaemon(true);
    reader.start();
    sendLoop(start, measureFrom, end);
    reader.join(plan.timeout().toMillis() + 5_000);
    if (reader.isAlive()) {
      throw new IllegalStateException("reader did not finish for " + plan.target());
    }
    double seconds = plan.duration().toNanos() / 1e9;
    return new RunResult(plan.target(), plan.rate(), seconds, sentMeasured, ok, non200, timeouts, ioErrors,
        latency, sendLag);
  }

  private void sendLoop(long start, long measureFrom, long end) {
    long sent = 0;
    for (long i = 0; ; i++) {
      long intended = start + i * 1_000_000_000L / plan.rate();
      if (intended >= end) {
        break;
      }
      ByteBuffer request = request(i);
      long now;
      while ((now = System.nanoTime()) < intended) {
        LockSupport.parkNanos(intended - now);
      }
      boolean measured = intended >= measureFrom;
      if (measured) {
        sendLag.recordValue(Math.min(MAX_LATENCY_MICROS, (now - intended) / 1_000));
        sent++;
      }
      dispatch(new Pending(request, intended, measured));
    }
    sentMeasured = sent;
  }

  /** A signed request, timestamped now: a second or so before it is scheduled at most. */
  private ByteBuffer request(long i) {
    String body = SlackRequests.appHomeOpened(plan.eventIdPrefix() + i, "T0BENCH", "U0BENCH" + (i % 1000), "home",
        null);
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    String signature = signer.generate(timestamp, body);
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + plan.uri().getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n"
        + "User-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n"
        + "Content-Type: application/json\r\n"
        + "X-Slack-Request-Timestamp: " + timestamp + "\r\n"
        + "X-Slack-Signature: " + signature + "\r\n"
        + "Content-Length: " + bodyBytes.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buffer = ByteBuffer.allocate(headBytes.length + bodyBytes.length);
    buffer.put(headBytes).put(bodyBytes).flip();
    return buffer;
  }

  private void dispatch(Pending request) {
    Connection connection;
    synchronized (lock) {
      connection = idle.poll();
      if (connection == null) {
        pending.add(request);
        return;
      }
    }
    send(connection, request);
  }

  private void send(Connection connection, Pending request) {
    try {
      connection.send(request.request(), request.intendedNanos(), request.measured());
    } catch (IOException e) {
      // The reader sees the broken connection, counts the error and replaces it.
      selector.wakeup();
    }
  }

  private void readLoop(long end) {
    long lastScan = System.nanoTime();
    long hardStop = end + plan.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    try {
      while (true) {
        selector.select(20);
        for (SelectionKey key : selector.selectedKeys()) {
          Connection connection = (Connection) key.attachment();
          if (key.isValid() && key.isReadable()) {
            onReadable(connection);
          }
        }
        selector.selectedKeys().clear();
        long now = System.nanoTime();
        if (now - lastScan > TimeUnit.MILLISECONDS.toNanos(20)) {
          expire(now);
          lastScan = now;
        }
        if (sentMeasured >= 0 && completedMeasured >= sentMeasured && now > end) {
          return;
        }
        if (now > hardStop) {
          return;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void onReadable(Connection connection) throws IOException {
    int status;
    try {
      status = connection.read();
    } catch (IOException e) {
      status = -1;
    }
    if (status == 0) {
      return;
    }
    if (status < 0) {
      fail(connection, false);
      return;
    }
    long latencyNanos = System.nanoTime() - connection.intendedNanos;
    boolean measured = connection.measured;
    connection.busy = false;
    if (measured) {
      completedMeasured++;
      if (latencyNanos > plan.timeout().toNanos()) {
        timeouts++;
      } else if (status == 200) {
        ok++;
        latency.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(1, latencyNanos / 1_000)));
      } else {
        non200++;
      }
    }
    if (connection.closeRequested) {
      replace(connection);
    } else {
      release(connection);
    }
  }

  /** The connection broke: its request (if any) is an error, and a fresh connection takes its place. */
  private void fail(Connection connection, boolean timedOut) throws IOException {
    if (connection.busy && connection.measured) {
      completedMeasured++;
      if (timedOut) {
        timeouts++;
      } else {
        ioErrors++;
      }
    }
    connection.busy = false;
    replace(connection);
  }

  private void replace(Connection connection) throws IOException {
    connection.close();
    connections.remove(connection);
    synchronized (lock) {
      idle.remove(connection);
    }
    Connection fresh = Connection.open(address, selector);
    connections.add(fresh);
    release(fresh);
  }

  private void release(Connection connection) {
    Pending next;
    synchronized (lock) {
      next = pending.poll();
      if (next == null) {
        idle.add(connection);
        return;
      }
    }
    send(connection, next);
  }

  /** Requests older than the timeout, in flight or still waiting for a connection, are counted as timeouts. */
  private void expire(long now) throws IOException {
    long limit = plan.timeout().toNanos();
    for (Connection connection : new ArrayList<>(connections)) {
      if (connection.busy && now - connection.intendedNanos > limit) {
        fail(connection, true);
      }
    }
    synchronized (lock) {
      while (!pending.isEmpty() && now - pending.peek().intendedNanos() > limit) {
        if (pending.poll().measured()) {
          completedMeasured++;
          timeouts++;
        }
      }
    }
  }
}
