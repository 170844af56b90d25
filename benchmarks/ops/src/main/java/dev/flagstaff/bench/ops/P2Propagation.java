package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.SlackApiStub;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * P2 — propagation: from the write of a change to the endpoint's {@code /flags/{key}} decision flipping.
 *
 * <p>API mode: a real kube-apiserver + etcd on loopback ({@link RealCluster}; a fresh namespace per mode), the
 * operator jar and the endpoint jar as separate JVMs, each as its own ServiceAccount under the chart's Roles. Each flip is a JSON
 * merge patch of the FeatureFlag's {@code spec.environments.production.enabled}, alternately false and true; the
 * clock starts when the API server has confirmed the write, and stops when a GET of the endpoint's
 * {@code /flags/{key}} (polled back to back, no sleep) first answers the new decision. A watch on the ConfigMap in
 * this JVM notes when the operator's write arrived, which splits the time into operator and endpoint parts.
 *
 * <p>File mode: the endpoint alone with {@code FLAGSTAFF_FLAGS_FILE} on a directory laid out as the kubelet lays out
 * a ConfigMap volume ({@code key -> ..data/key}, {@code ..data -> ..<n>}); each flip writes a new {@code ..<n>}
 * and swaps {@code ..data} with an atomic rename. The kubelet's own sync delay is not in this figure.
 */
public final class P2Propagation {
  private static final String NAMESPACE = "p2";
  private static final String NAME = "p2-flag";
  private static final String KEY = "p2_flag";
  /** The default fallback view's only text (the endpoint's {@code HomeView.FALLBACK_TEXT}). */
  private static final String FALLBACK_TEXT = "There is nothing to show here right now.";
  private static final String SIGNING_SECRET = "bench-signing-secret-0123456789abcdef";

  private P2Propagation() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    Path endpointJar = args.path("endpoint-jar", "slack-endpoint/target/flagstaff-slack-endpoint.jar");
    int flips = args.integer("flips", 200);
    int warmup = args.integer("warmup", 20);
    int pauseMillis = args.integer("pause-ms", 50);
    Path work = args.path("work", "benchmarks/ops/target/p2");
    Path out = args.path("out", "benchmarks/results/p2-propagation.json");
    Path csv = args.path("csv", "benchmarks/results/p2-flips.csv");
    List<String> modes = args.list("modes", "api-shipped,api-shipped-jdkpoll,api-chart,api-chart-http11,api-trace,api-home,file");
    int visitPeriodMicros = args.integer("visit-period-us", 10_000);
    // --audit false: the API server writes no audit log (kube-apiserver's default); no per-step breakdown then
    boolean audit = Boolean.parseBoolean(args.string("audit", "true"));
    List<String> jvm = List.of("-Dfile.encoding=UTF-8");
    // The management port is the JDK's HttpServer, which leaves Nagle's algorithm on: each keep-alive GET then waits
    // ~40 ms for the client's delayed ACK. The poll that observes the flip would add up to that much to each figure,
    // so the measured modes turn it off for the endpoint; "api-shipped" runs the jars exactly as shipped.
    List<String> endpointJvm = List.of("-Dfile.encoding=UTF-8", "-Dsun.net.httpserver.nodelay=true");
    Map<String, Object> result = new LinkedHashMap<>();
    List<String> rows = new ArrayList<>(List.of("mode,flip,enabled,write_ms,configmap_seen_ms,decision_ms,polls"));
    try (Machine machine = new Machine(); OtherCpu otherCpu = new OtherCpu();
        RealCluster cluster = modes.stream().anyMatch(m -> m.startsWith("api")) ? RealCluster.start(audit) : null) {
      result.put("benchmark", "P2 propagation: write confirmed -> endpoint /flags/{key} decision flipped; API modes"
          + " on a real kube-apiserver 1.37.2 + etcd on loopback ("
          + (audit ? "audit log on, blocking, Metadata level" : "no audit log, the API server's default") + ")");
      result.put("flips", flips);
      result.put("warmupFlips", warmup);
      result.put("pauseBetweenFlipsMs", pauseMillis);
      result.put("pauseBetweenFlips", "pause-ms plus a uniform random 0-250 ms, so flips do not lock in phase with"
          + " the file reader's 250 ms poll");
      result.put("operatorJvmOptions", jvm);
      result.put("endpointJvmOptions", endpointJvm);
      result.put("chartJvmOptions", Map.of("operator", chartJvm(true), "endpoint", chartJvm(false)));
      List<String> breakdownRows = new ArrayList<>(List.of(FlipBreakdown.CSV_HEADER));
      List<String> homeRows = new ArrayList<>(List.of("flip,enabled,first_matching_publish_ms,decision_ms"));
      pollMicros = args.integer("poll-us", 500);
      result.put("decisionObserved", "GET /flags/{key} over one kept-alive socket (TCP_NODELAY) every " + pollMicros
          + " µs; mode api-shipped-jdkpoll: java.net.http back to back, as runs 1 and 2 measured");
      for (String mode : modes) {
        jdkPoll = mode.equals("api-shipped-jdkpoll");
        switch (mode) {
          case "api" -> result.put("api", api(cluster, otherCpu, "api", operatorJar, endpointJar, jvm, endpointJvm, false,
              0, flips, warmup, pauseMillis, work, rows, breakdownRows, homeRows));
          case "api-shipped", "api-shipped-jdkpoll" -> result.put(mode, api(cluster, otherCpu, mode, operatorJar, endpointJar, jvm, jvm, false,
              0, flips, warmup, pauseMillis, work, rows, breakdownRows, homeRows));
          case "api-chart" -> result.put(mode, api(cluster, otherCpu, mode, operatorJar, endpointJar, chartJvm(true),
              chartJvm(false), false, 0, flips, warmup, pauseMillis, work, rows, breakdownRows, homeRows));
          case "api-trace", "api-trace-http11" -> result.put(mode, api(cluster, otherCpu, mode, operatorJar,
              endpointJar, trace(http(chartJvm(true), mode), work, mode, "operator"),
              trace(http(chartJvm(false), mode), work, mode, "endpoint"), true, 0, flips, warmup, pauseMillis, work, rows,
              breakdownRows, homeRows));
          case "api-chart-http11" -> result.put(mode, api(cluster, otherCpu, mode, operatorJar, endpointJar,
              http(chartJvm(true), mode), http(chartJvm(false), mode), false, 0, flips, warmup, pauseMillis, work, rows,
              breakdownRows, homeRows));
          case "api-home" -> result.put(mode, api(cluster, otherCpu, mode, operatorJar, endpointJar, chartJvm(true),
              chartJvm(false), false, visitPeriodMicros, flips, warmup, pauseMillis, work, rows, breakdownRows,
              homeRows));
          case "file" -> result.put("file", file(otherCpu, endpointJar, endpointJvm, flips, warmup, pauseMillis, work, rows));
          default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
      }
      Files.write(csv.resolveSibling(csv.getFileName().toString().replace(".csv", "-steps.csv")), breakdownRows,
          StandardCharsets.UTF_8);
      Files.write(csv.resolveSibling(csv.getFileName().toString().replace(".csv", "-home.csv")), homeRows,
          StandardCharsets.UTF_8);
      result.put("machine", machine.describe());
    }
    Machine.write(out, result);
    Files.write(csv, rows, StandardCharsets.UTF_8);
    System.out.println(Machine.pretty(result));
  }

  /** The chart's JAVA_TOOL_OPTIONS (values.yaml) on this machine: its memory and CPU limits as the JVM sees them. */
  static List<String> chartJvm(boolean operator) {
    return List.of("-XX:ActiveProcessorCount=1", "-XX:MaxRAM=" + (operator ? "192m" : "160m"),
        "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=96m", "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8");
  }

  /** Where a trace mode's JVM writes its GC log (kept after the run, beside the jars' output). */
  private static String gcLog(String mode, String who) {
    return "p2-" + mode + "-" + who + "-gc.log";
  }

  /** Modes ending in -http11: Fabric8's client in both jars speaks HTTP/1.1 to the API server instead of HTTP/2. */
  private static List<String> http(List<String> options, String mode) {
    if (!mode.endsWith("-http11")) {
      return options;
    }
    List<String> o = new ArrayList<>(options);
    o.add("-Dkubernetes.http2.disable=true");
    return o;
  }

  /** The same with µs-stamped log lines of the steps and a GC log (what the trace mode adds). */
  private static List<String> trace(List<String> options, Path work, String mode, String who) throws IOException {
    List<String> o = new ArrayList<>(options);
    o.add("-Dlogback.configurationFile=" + FlipBreakdown.traceLogback(work.toAbsolutePath(), who.equals("operator")));
    o.add("-Xlog:gc:file=" + work.toAbsolutePath().resolve(gcLog(mode, who)) + ":utctime");
    return o;
  }

  private static Map<String, Object> api(RealCluster cluster, OtherCpu otherCpu, String mode, Path operatorJar,
      Path endpointJar, List<String> jvm, List<String> endpointJvm, boolean trace, int visitPeriodMicros, int flips,
      int warmup, int pauseMillis, Path work, List<String> rows, List<String> breakdownRows, List<String> homeRows)
      throws Exception {
    double loadBefore = Machine.loadAverage();
    String ns = cluster.namespace(NAMESPACE + "-" + mode);
    KubernetesClient client = cluster.driver();
    int operatorPort = Cluster.freePort();
    int endpointManagement = Cluster.freePort();
    int eventsPort = Cluster.freePort();
    Files.deleteIfExists(work.resolve(gcLog(mode, "operator")));
    Files.deleteIfExists(work.resolve(gcLog(mode, "endpoint")));
    try (SlackApiStub slack = SlackApiStub.start();
        Jvm operator = Jvm.start("p2-" + mode + "-operator", operatorJar, jvm, cluster.operatorEnv(ns, operatorPort),
            work);
        Jvm endpoint = Jvm.start("p2-" + mode + "-endpoint", endpointJar, endpointJvm,
            home(cluster.endpointEnv(ns, "flagstaff-slack-endpoint-0", eventsPort, endpointManagement), slack), work);
        HomeVisits visits = new HomeVisits(SIGNING_SECRET, eventsPort, Math.max(1, visitPeriodMicros))) {
      Http.awaitReady(operator, operatorPort, Duration.ofSeconds(90));
      Http.awaitReady(endpoint, endpointManagement, Duration.ofSeconds(90));
      FeatureFlag flag = Cluster.flag(NAME, true);
      flag.getSpec().setKey(KEY);
      client.resources(FeatureFlag.class).inNamespace(ns).resource(flag).create();
      awaitDecision(endpointManagement, true, Duration.ofSeconds(30));
      if (visitPeriodMicros > 0) {
        if (visits.once() != 200) {
          throw new IllegalStateException("the endpoint did not acknowledge a signed app_home_opened");
        }
        visits.start();
      }

      AtomicLong configMapSeen = new AtomicLong();
      String[] expected = new String[1];
      Watch watch = client.configMaps().inNamespace(ns).withName("feature-flags").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap cm) {
          long now = FlipBreakdown.nowMicros();
          String value = cm.getData() == null ? null : cm.getData().get(KEY);
          String want = expected[0];
          if (value != null && want != null && value.startsWith(want)) {
            configMapSeen.compareAndSet(0, now);
          }
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      });
      List<Double> decision = new ArrayList<>();
      List<Double> operatorPart = new ArrayList<>();
      List<Double> writes = new ArrayList<>();
      List<FlipBreakdown.Flip> timeline = new ArrayList<>();
      List<Boolean> enabled = new ArrayList<>();
      long polls = 0;
      double pollMicros = 0;
      OtherCpu.Window window = otherCpu.begin();
      try {
        for (int i = 0; i < warmup + flips; i++) {
          boolean on = i % 2 == 1;
          configMapSeen.set(0);
          expected[0] = "{\"enabled\":" + on;
          long start = FlipBreakdown.nowMicros();
          client.resources(FeatureFlag.class).inNamespace(ns).withName(NAME)
              .patch(PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"environments\":{\"production\":{\"enabled\":" + on + "}}}}");
          long written = FlipBreakdown.nowMicros();
          long[] flip = awaitDecision(endpointManagement, on, Duration.ofSeconds(10));
          long seen = configMapSeen.get();
          if (i >= warmup) {
            timeline.add(new FlipBreakdown.Flip(i - warmup, start, written, seen, flip[0]));
            enabled.add(on);
            decision.add((flip[0] - written) / 1000.0);
            writes.add((written - start) / 1000.0);
            if (seen != 0) {
              operatorPart.add((seen - written) / 1000.0);
            }
            polls += flip[1];
            pollMicros += flip[0] - written;
            rows.add(String.format("%s,%d,%s,%.3f,%s,%.3f,%d", mode, i - warmup, on, (written - start) / 1000.0,
                seen == 0 ? "" : String.format("%.3f", (seen - written) / 1000.0), (flip[0] - written) / 1000.0,
                flip[1]));
          }
          pause(pauseMillis);
        }
      } finally {
        watch.close();
        visits.close();
      }
      double cores = window.cores();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("operatorJvmOptions", jvm);
      r.put("endpointJvmOptions", endpointJvm);
      r.put("what", "JSON merge patch of the FeatureFlag confirmed -> endpoint (API watch) decision flipped; operator"
          + " and endpoint as separate JVMs and ServiceAccounts, real kube-apiserver + etcd, loopback");
      r.put("otherProcessesCores", cores);
      r.put("decisionMs", Stats.summary(decision));
      r.put("writeConfirmedMs", Stats.summary(writes));
      r.put("configMapEventSeenByDriverMs", Stats.summary(operatorPart));
      r.put("meanPollRoundTripMs", Stats.round(pollMicros / 1e3 / Math.max(1, polls)));
      r.put("targetP99Ms", 20);
      r.put("targetMet", Stats.percentile(decision, 99) <= 20);
      r.put("loadAverage1mBefore", loadBefore);
      r.put("loadAverage1mAfter", Machine.loadAverage());
      if (cluster.server().auditLogOn()) {
        Thread.sleep(500); // the last flip's requests reach the audit log
        r.put("steps", FlipBreakdown.of(mode, timeline,
            FlipBreakdown.audit(cluster.server().dir().resolve("audit.log"), ns), RealCluster.operatorUser(ns),
            RealCluster.endpointUser(ns), trace ? FlipBreakdown.trace(work.resolve("p2-" + mode + "-operator.log"))
                : List.of(), trace ? FlipBreakdown.trace(work.resolve("p2-" + mode + "-endpoint.log")) : List.of(),
            trace ? FlipBreakdown.gc(work.resolve(gcLog(mode, "operator"))) : List.of(),
            trace ? FlipBreakdown.gc(work.resolve(gcLog(mode, "endpoint"))) : List.of(), breakdownRows));
      }
      if (visitPeriodMicros > 0) {
        Thread.sleep(1000); // the last visits' publishes arrive
        r.put("homeTab", visits.result(timeline, enabled, slack, FALLBACK_TEXT, homeRows));
      }
      return r;
    }
  }

  /** The endpoint's Slack side: Web API calls to the stub, the App Home gated by the benchmark's flag. */
  private static Map<String, String> home(Map<String, String> env, SlackApiStub slack) {
    Map<String, String> e = new java.util.HashMap<>(env);
    e.put("SLACK_API_URL", slack.baseUrl());
    e.put("SLACK_SIGNING_SECRET", SIGNING_SECRET);
    e.put("FLAGSTAFF_APP_HOME_FLAG", KEY);
    return e;
  }

  private static Map<String, Object> file(OtherCpu otherCpu, Path endpointJar, List<String> jvm, int flips, int warmup,
      int pauseMillis, Path work, List<String> rows) throws Exception {
    double loadBefore = Machine.loadAverage();
    Path dir = work.resolve("mounted-configmap").toAbsolutePath();
    deleteTree(dir);
    Files.createDirectories(dir);
    MountedConfigMap volume = new MountedConfigMap(dir);
    volume.write(KEY, "{\"enabled\":true}");
    Files.createSymbolicLink(dir.resolve(KEY), Path.of("..data", KEY));
    int management = Cluster.freePort();
    try (Jvm endpoint = Jvm.start("p2-endpoint-file", endpointJar, jvm,
        Cluster.endpointEnv(Map.of(), null, dir.toString(), Cluster.freePort(), management), work)) {
      Http.awaitReady(endpoint, management, Duration.ofSeconds(90));
      awaitDecision(management, true, Duration.ofSeconds(30));
      List<Double> decision = new ArrayList<>();
      long polls = 0;
      double pollMicros = 0;
      OtherCpu.Window window = otherCpu.begin();
      for (int i = 0; i < warmup + flips; i++) {
        boolean on = i % 2 == 1;
        long start = FlipBreakdown.nowMicros();
        volume.write(KEY, "{\"enabled\":" + on + "}");
        long written = FlipBreakdown.nowMicros();
        long[] flip = awaitDecision(management, on, Duration.ofSeconds(10));
        if (i >= warmup) {
          decision.add((flip[0] - written) / 1000.0);
          polls += flip[1];
          pollMicros += flip[0] - written;
          rows.add(String.format("file,%d,%s,%.3f,,%.3f,%d", i - warmup, on, (written - start) / 1000.0,
              (flip[0] - written) / 1000.0, flip[1]));
        }
        pause(pauseMillis);
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("what", "atomic ..data symlink swap in a kubelet-style ConfigMap volume -> endpoint (FLAGSTAFF_FLAGS_FILE,"
          + " polled every 250 ms) decision flipped; excludes the kubelet's own sync delay");
      r.put("decisionMs", Stats.summary(decision));
      r.put("meanPollRoundTripMs", Stats.round(pollMicros / 1e3 / Math.max(1, polls)));
      r.put("otherProcessesCores", window.cores());
      r.put("loadAverage1mBefore", loadBefore);
      r.put("loadAverage1mAfter", Machine.loadAverage());
      return r;
    } finally {
      deleteTree(dir);
    }
  }

  private static void pause(int millis) throws InterruptedException {
    Thread.sleep(millis + java.util.concurrent.ThreadLocalRandom.current().nextInt(250));
  }

  /** How the decision is observed in the mode running: {@link FlagPoller} every {@link #pollMicros}, or (true) java.net.http back to back as before. */
  private static boolean jdkPoll;
  private static int pollMicros = 500;
  /** One kept-alive connection per endpoint port, for the whole mode. */
  private static final Map<Integer, FlagPoller> POLLERS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Asks {@code /flags/{key}} until its decision is {@code on}: over one kept-alive socket every {@link #pollMicros}
   * (the default), or with java.net.http back to back (the mode {@code api-shipped-jdkpoll}, as runs 1 and 2 did).
   *
   * @return wall-clock µs ({@link FlipBreakdown#nowMicros}) of the first answer with the new decision, and the number
   *     of GETs it took
   */
  private static long[] awaitDecision(int port, boolean on, Duration timeout) {
    String want = "\"enabled\":" + on;
    long deadline = System.nanoTime() + timeout.toNanos();
    long polls = 0;
    FlagPoller poller = POLLERS.computeIfAbsent(port, p -> new FlagPoller(p, "/flags/" + KEY, pollMicros));
    while (System.nanoTime() < deadline) {
      String body = jdkPoll ? Http.get(port, "/flags/" + KEY) : poller.get();
      polls++;
      if (body != null && body.contains(want)) {
        return new long[] {FlipBreakdown.nowMicros(), polls};
      }
      if (!jdkPoll) {
        poller.pace();
      }
    }
    throw new IllegalStateException("the decision did not become " + on + " within " + timeout);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A directory updated as the kubelet updates a ConfigMap volume: new {@code ..<n>} directory, then {@code ..data} swapped. */
  private static final class MountedConfigMap {
    private final Path dir;
    private int generation;
    private Path current;

    MountedConfigMap(Path dir) {
      this.dir = dir;
    }

    void write(String key, String value) throws IOException {
      Path next = dir.resolve(".." + (++generation));
      Files.createDirectories(next);
      Files.writeString(next.resolve(key), value, StandardCharsets.UTF_8);
      Path link = dir.resolve("..data_tmp");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, next.getFileName());
      Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (current != null) {
        Files.deleteIfExists(current.resolve(key));
        Files.deleteIfExists(current);
      }
      current = next;
    }
  }
}
