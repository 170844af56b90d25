package dev.flagstaff.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * P6 — slow clients against the Events API port: {@code --slow} connections (200) that each announce a 300-byte
 * body and send one byte every {@code --trickle-ms} (100 ms), kept open all along (one the server closes is opened
 * again at once), while an open-loop run of signed {@code app_home_opened} events at {@code --rate} per second
 * measures the acknowledgements ({@link OpenLoopRun}: latency from each request's scheduled send time). Before it,
 * a warm-up (not recorded) and a baseline run of the same events without slow connections, so the figure can be
 * read against what the machine gives at that moment; with {@code --server-pids}, each run reports the CPU other
 * processes used meanwhile, and {@code --quiet-below-cores} makes each wait (at most {@code --quiet-wait-max}
 * seconds) for a moment when they use less.
 *
 * <pre>
 * SLACK_SIGNING_SECRET=... java -cp drivers.jar dev.flagstaff.bench.load.SlowClientsDriver \
 *   --target http://127.0.0.1:8080/api/v4/integrations/slack/events --slow 200 --rate 200 --duration 20
 * </pre>
 *
 * It stops by itself after the lead-in, the run and the request timeout, and closes every connection it opened.
 */
public final class SlowClientsDriver {
  private URI target;
  private int slow = 200;
  private long trickleMillis = 100;
  private int rate = 200;
  private Duration duration = Duration.ofSeconds(10);
  private Duration leadIn = Duration.ofSeconds(2);
  private Duration warmup = Duration.ofSeconds(5);
  private final List<Long> serverPids = new ArrayList<>();
  private double quietBelowCores = Double.NaN;
  private long quietWaitMaxMillis = 30_000;
  private int connections = 16;
  private Duration timeout = Duration.ofSeconds(3);

  private final List<Socket> sockets = new ArrayList<>();
  private long opened;
  private long answered;
  private long answered408;
  private int minOpen = Integer.MAX_VALUE;

  public static void main(String[] args) throws Exception {
    SlowClientsDriver driver = new SlowClientsDriver();
    driver.parse(args);
    driver.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--target" -> target = URI.create(value);
        case "--slow" -> slow = Integer.parseInt(value);
        case "--trickle-ms" -> trickleMillis = Long.parseLong(value);
        case "--rate" -> rate = Integer.parseInt(value);
        case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value));
        case "--lead-in" -> leadIn = Duration.ofSeconds(Long.parseLong(value));
        case "--connections" -> connections = Integer.parseInt(value);
        case "--timeout-ms" -> timeout = Duration.ofMillis(Long.parseLong(value));
        case "--quiet-below-cores" -> quietBelowCores = Double.parseDouble(value);
        case "--quiet-wait-max" -> quietWaitMaxMillis = Long.parseLong(value) * 1000;
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
        case "--server-pids" -> java.util.Arrays.stream(value.split(",")).map(String::trim)
            .filter(v -> !v.isEmpty()).forEach(v -> serverPids.add(Long.parseLong(v)));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (target == null || System.getenv("SLACK_SIGNING_SECRET") == null) {
      throw new IllegalArgumentException("need --target URL and SLACK_SIGNING_SECRET");
    }
    if (duration.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("--duration is at most 60 s");
    }
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "P6 slow clients: %d cores, Java %s; %d trickling connections (300-byte body "
            + "announced, 1 byte every %d ms), signed events at %d/s for %d s over %d connections%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), slow, trickleMillis, rate,
        duration.toSeconds(), connections);
    MachineLoad machine = new MachineLoad(serverPids);
    if (!warmup.isZero()) {
      signedEvents(warmup, "warm");
    }
    if (!Double.isNaN(quietBelowCores)) {
      machine.awaitQuiet(quietBelowCores, quietWaitMaxMillis);
    }
    machine.begin();
    RunResult baseline = signedEvents(duration, "base").withOtherCores(machine.otherCores());
    System.out.println(baseline.line("no slow"));
    for (int i = 0; i < slow; i++) {
      sockets.add(open());
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread trickler = new Thread(() -> trickle(stop), "trickler");
    trickler.setDaemon(true);
    trickler.start();
    RunResult result;
    try {
      if (!Double.isNaN(quietBelowCores)) {
        machine.awaitQuiet(quietBelowCores, quietWaitMaxMillis);
      }
      machine.begin();
      result = signedEvents(duration, "slow").withOtherCores(machine.otherCores());
    } finally {
      stop.set(true);
      trickler.join(5_000);
      for (Socket socket : sockets) {
        socket.close();
      }
    }
    System.out.println(result.line("with slow"));
    System.out.printf(Locale.ROOT, "trickling connections: %d opened in all, at least %d open at every tick; "
            + "%d answered by the server (%d of them 408)%n", opened, minOpen, answered, answered408);
    System.out.printf(Locale.ROOT, "p99 of signed-event acknowledgements with %d slow connections: %.2f ms "
        + "(target <= 100 ms): %s; without them, just before: %.2f ms%n", slow, result.p99(),
        result.p99() <= 100 && result.errors() == 0 ? "PASS" : "FAIL", baseline.p99());
  }

  private RunResult signedEvents(Duration length, String phase) throws IOException, InterruptedException {
    return OpenLoopRun.run(new OpenLoopRun.Plan("flagstaff", target, rate, leadIn, length, connections, timeout,
        System.getenv("SLACK_SIGNING_SECRET"), "EvP6" + phase + Long.toString(System.currentTimeMillis(), 36)));
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), 3_000);
    socket.setTcpNoDelay(true);
    socket.getOutputStream().write(("POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost()
        + "\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    opened++;
    return socket;
  }

  /** Every tick: one byte on each connection; a connection the server answered or closed is replaced. */
  private void trickle(AtomicBoolean stop) {
    byte[] one = {' '};
    while (!stop.get()) {
      int open = 0;
      for (int i = 0; i < sockets.size() && !stop.get(); i++) {
        Socket socket = sockets.get(i);
        try {
          InputStream in = socket.getInputStream();
          if (in.available() > 0) {
            byte[] head = in.readNBytes(Math.min(in.available(), 12));
            answered++;
            if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408")) {
              answered408++;
            }
            throw new IOException("answered");
          }
          socket.getOutputStream().write(one);
          open++;
        } catch (IOException e) {
          try {
            socket.close();
            sockets.set(i, open());
            open++;
          } catch (IOException again) {
            // the server refuses for now; tried again on the next tick
          }
        }
      }
      minOpen = Math.min(minOpen, open);
      try {
        Thread.sleep(trickleMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
