package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P4 — operator scale. For each N: a fresh mock API server and a fresh operator JVM; N FeatureFlags created at once
 * (parallel creates from the driver); the time until the ConfigMap holds N keys and until every flag is Ready at its
 * generation; the operator's API requests by verb and resource (the driver's own are left out by User-Agent); the
 * operator's heap after a forced GC and its resident memory. Then one flag among N is switched off: time until it
 * is Ready at its new generation, and the requests that caused. Then, at {@code --idle-at} flags (1,000), an idle
 * period with its requests. And, without any operator, how long the mock alone takes for N bare creates and for the
 * operator's request pattern replayed by the driver (the floor under the operator's figure). A size that does not
 * converge within {@code --timeout-seconds} is reported with how far it got.
 */
public final class P4OperatorScale {
  private static final String NAMESPACE = "p4";

  private P4OperatorScale() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    List<String> sizes = args.list("sizes", "100,1000,10000");
    List<String> rounds = args.list("rounds", "3,3,1");
    int threads = args.integer("threads", 16);
    int idleSeconds = args.integer("idle-seconds", 30);
    int idleAt = args.integer("idle-at", 1000);
    int timeoutSeconds = args.integer("timeout-seconds", 240);
    String jfr = args.string("jfr", "");
    boolean floor = !args.string("floor", "true").equals("false");
    int floorSeconds = args.integer("floor-timeout-seconds", 60);
    Path work = args.path("work", "benchmarks/ops/target/p4");
    Path out = args.path("out", "benchmarks/results/p4-operator-scale.json");
    Cluster.quietMock();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "P4 operator scale: N FeatureFlags created at once against the mock API server");
    result.put("createThreads", threads);
    List<Map<String, Object>> runs = new ArrayList<>();
    Map<String, Object> floors = new LinkedHashMap<>();
    try (Machine machine = new Machine()) {
      int largest = sizes.stream().mapToInt(Integer::parseInt).max().orElse(0);
      int idleSize = idleAt > 0 ? idleAt : largest;
      for (int s = 0; s < sizes.size(); s++) {
        int n = Integer.parseInt(sizes.get(s));
        int repeat = s < rounds.size() ? Integer.parseInt(rounds.get(s)) : 1;
        for (int r = 0; r < repeat; r++) {
          List<String> jvm = new ArrayList<>(List.of("-Dfile.encoding=UTF-8"));
          if (!jfr.isBlank() && n == largest && r == 0) {
            jvm.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath() + ",settings=profile");
          }
          Map<String, Object> run = run(operatorJar, jvm, n, threads, n == idleSize && r == 0 ? idleSeconds : 0,
              timeoutSeconds, work);
          run.put("round", r + 1);
          runs.add(run);
          System.out.println(Machine.pretty(run));
        }
        if (floor) {
          floors.put(Integer.toString(n), floor(n, threads, floorSeconds));
          System.out.println(Machine.pretty(floors.get(Integer.toString(n))));
        }
      }
      result.put("runs", runs);
      result.put("mockFloor", floors);
      result.put("machine", machine.describe());
    }
    Machine.write(out, result);
    System.out.println("wrote " + out);
  }

  private static Map<String, Object> run(Path operatorJar, List<String> jvm, int n, int threads, int idleSeconds,
      int timeoutSeconds, Path work) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("flags", n);
    r.put("operatorJvmOptions", jvm);
    r.put("loadAverage1mBefore", Machine.loadAverage());
    try (KubernetesTestServer server = KubernetesTestServer.start(NAMESPACE);
        KubernetesClient client = Cluster.driverClient(server, NAMESPACE)) {
      int port = Cluster.freePort();
      try (Jvm operator = Jvm.start("p4-operator-" + n, operatorJar, jvm, Cluster.operatorEnv(server, NAMESPACE, port),
          work)) {
        long readyAt = Http.awaitReady(operator, port, Duration.ofSeconds(120));
        r.put("operatorReadyMs", Stats.round(Stats.millisSince(operator.startedNanos(), readyAt)));
        server.drainRequests();

        try (ReadyFlags flags = new ReadyFlags(client, NAMESPACE, n)) {
          double operatorCpu = operator.cpuSeconds();
          double driverCpu = Jvm.cpuSeconds(ProcessHandle.current().pid());
          long start = System.nanoTime();
          Cluster.createFlags(client, NAMESPACE, n, threads);
          long created = System.nanoTime();
          r.put("allCreatedMs", Stats.round(Stats.millisSince(start, created)));
          long configMapFull;
          long allReady;
          try {
            configMapFull = awaitConfigMapKeys(client, n, start, timeoutSeconds, operator);
            allReady = flags.awaitAllReady(Math.max(1, timeoutSeconds - (System.nanoTime() - start) / 1_000_000_000L));
          } catch (IllegalStateException e) {
            Map<String, Object> partial = new LinkedHashMap<>();
            partial.put("afterSeconds", Stats.round(Stats.millisSince(start, System.nanoTime()) / 1000));
            ConfigMap cm = client.configMaps().inNamespace(NAMESPACE).withName("feature-flags").get();
            partial.put("configMapKeys", cm == null || cm.getData() == null ? 0 : cm.getData().size());
            partial.put("flagsReady", flags.readyCount());
            partial.put("why", e.getMessage());
            r.put("incomplete", partial);
            r.put("cpuSecondsUntilDeadline", Map.of(
                "operator", Stats.round(operator.cpuSeconds() - operatorCpu),
                "driverWithMockServer", Stats.round(Jvm.cpuSeconds(ProcessHandle.current().pid()) - driverCpu)));
            RequestTally partialTally = RequestTally.of(server.drainRequests());
            r.put("requestsUntilDeadline", partialTally.total());
            r.put("requestsByKindUntilDeadline", partialTally.counts());
            r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
            r.put("operatorHeapUsedMiB", Stats.round(Http.metricSum(port, "jvm_memory_used_bytes", "area=\"heap\"")
                / (1024.0 * 1024)));
            if (!jvm.stream().noneMatch(o -> o.startsWith("-XX:StartFlightRecording"))) {
              operator.jcmd("JFR.dump");
            }
            r.put("loadAverage1mAfter", Machine.loadAverage());
            return r;
          }
          r.put("configMapHoldsAllKeysMs", Stats.round(Stats.millisSince(start, configMapFull)));
          r.put("allReadyMs", Stats.round(Stats.millisSince(start, allReady)));
          r.put("cpuSecondsUntilAllReady", Map.of(
              "operator", Stats.round(operator.cpuSeconds() - operatorCpu),
              "driverWithMockServer", Stats.round(Jvm.cpuSeconds(ProcessHandle.current().pid()) - driverCpu)));
          settle(server, 2);
          RequestTally burst = RequestTally.of(server.drainRequests());
          r.put("requests", burst.total());
          r.put("requestsPerFlag", Stats.round(burst.total() / (double) n));
          r.put("requestsByKind", burst.counts());
          r.put("requestsPerFlagByKind", burst.perFlag(n));

          operator.jcmd("GC.run");
          Thread.sleep(500);
          r.put("operatorHeapUsedAfterGcMiB", Stats.round(Http.metricSum(port, "jvm_memory_used_bytes", "area=\"heap\"")
              / (1024.0 * 1024)));
          r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
          r.put("operatorPeakRssMiB", Stats.round(operator.peakRssKib() / 1024.0));
          server.drainRequests();

          // One change among N.
          String name = Cluster.flagName(n / 2);
          var changed = client.resources(FeatureFlag.class).inNamespace(NAMESPACE).withName(name)
              .patch(PatchContext.of(PatchType.JSON_MERGE),
                  "{\"spec\":{\"environments\":{\"production\":{\"enabled\":false}}}}");
          long written = System.nanoTime();
          var readyAgain = flags.watchFor(name, changed.getMetadata().getGeneration());
          long applied = readyAgain.get(60, TimeUnit.SECONDS);
          settle(server, 3);
          ConfigMap cm = client.configMaps().inNamespace(NAMESPACE).withName("feature-flags").get();
          RequestTally change = RequestTally.of(server.drainRequests());
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("readyAtNewGenerationMs", Stats.round(Stats.millisSince(written, applied)));
          one.put("configMapValue", cm.getData().get(name));
          one.put("requests", change.total());
          one.put("requestsByKind", change.counts());
          r.put("oneChange", one);

          if (idleSeconds > 0) {
            server.drainRequests();
            Thread.sleep(idleSeconds * 1000L);
            RequestTally idle = RequestTally.of(server.drainRequests());
            Map<String, Object> quiet = new LinkedHashMap<>();
            quiet.put("seconds", idleSeconds);
            quiet.put("requests", idle.total());
            quiet.put("requestsByKind", idle.counts());
            r.put("idle", quiet);
          }
        }
      }
    }
    r.put("loadAverage1mAfter", Machine.loadAverage());
    return r;
  }

  /** Polls the ConfigMap (one GET every 50 ms, 500 ms at 10,000 keys) until it holds n keys. */
  private static long awaitConfigMapKeys(KubernetesClient client, int n, long start, int timeoutSeconds, Jvm operator)
      throws InterruptedException {
    long interval = Math.max(50, n / 20);
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int last = 0;
    while (System.nanoTime() < deadline) {
      operator.requireAlive();
      ConfigMap cm = client.configMaps().inNamespace(NAMESPACE).withName("feature-flags").get();
      last = cm == null || cm.getData() == null ? 0 : cm.getData().size();
      if (last >= n) {
        return System.nanoTime();
      }
      Thread.sleep(interval);
    }
    throw new IllegalStateException("the ConfigMap holds " + last + " of " + n + " keys after " + timeoutSeconds + " s");
  }

  /** Waits until the server has received no request for {@code quietSeconds} (at most 60 s). */
  private static void settle(KubernetesTestServer server, int quietSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int count = server.requestCount();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      int now = server.requestCount();
      if (now != count) {
        count = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= TimeUnit.SECONDS.toNanos(quietSeconds)) {
        return;
      }
    }
  }

  /** The mock alone: N bare creates; then the operator's request mix replayed, with and without a GET per patch. */
  private static Map<String, Object> floor(int n, int threads, int timeoutSeconds) throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("flags", n);
    for (boolean get : new boolean[] {true, false}) {
      try (KubernetesTestServer server = KubernetesTestServer.start(NAMESPACE);
          KubernetesClient client = Cluster.driverClient(server, NAMESPACE)) {
        long start = System.nanoTime();
        Cluster.createFlags(client, NAMESPACE, n, threads);
        long created = System.nanoTime();
        if (get) {
          f.put("bareCreatesMs", Stats.round(Stats.millisSince(start, created)));
        }
        int done = OperatorPattern.replay(client, NAMESPACE, n, 50, get, timeoutSeconds);
        long replayed = System.nanoTime();
        String name = get ? "operatorPatternWithConfigMapGet" : "operatorPatternWithoutConfigMapGet";
        if (done == n) {
          f.put(name + "Ms", Stats.round(Stats.millisSince(created, replayed)));
        } else {
          f.put(name + "Incomplete", done + " of " + n + " flags in " + timeoutSeconds + " s");
        }
      }
    }
    f.put("note", "driver alone, no operator: creates with " + threads + " threads; the operator's per-flag mix "
        + "(finalizer patch, [ConfigMap GET], ConfigMap merge patch, Event, status patch) with 50 threads, as JOSDK's"
        + " default 50 reconcile threads");
    return f;
  }
}
