package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
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
 * P4 — operator scale on a real kube-apiserver + etcd (one server for the whole run, a fresh namespace per
 * measurement). For each N, first the API server's own floor ({@link ApiFloor}: the same creates plus one status
 * write each, by the driver, no operator), then a fresh operator JVM (its own ServiceAccount and Role) and N
 * FeatureFlags created at once: the time until the ConfigMap holds N keys and until every flag is Ready at its
 * generation, its ratio to the floor, and the operator's API requests by verb and resource from the API server's
 * audit log (by user, so the driver's own are left out). Then one flag among N is switched off (time until Ready at
 * the new generation, and the requests that caused); then, at the {@code --idle-at} sizes, 30 s idle. A size that
 * does not converge within {@code --timeout-seconds} is reported with how far it got.
 */
public final class P4OperatorScale {
  private P4OperatorScale() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    List<String> sizes = args.list("sizes", "100,1000,10000");
    List<String> rounds = args.list("rounds", "2,2,1");
    int threads = args.integer("threads", 16);
    int idleSeconds = args.integer("idle-seconds", 30);
    List<String> idleAt = args.list("idle-at", "1000,10000");
    int timeoutSeconds = args.integer("timeout-seconds", 240);
    String jfr = args.string("jfr", "");
    // "chart": the JVM options the Helm chart ships, in a pod of --operator-memory (the JVM sizes its heap from
    // it as from a cgroup limit) and one CPU; "default": the JVM's own defaults on this machine.
    String jvmMode = args.string("operator-jvm", "chart");
    // "auto": the chart's default limit (192m) up to 1,000 flags; above, what helm/README gives for ~10,000
    // flags: 512m, operator.reconcileThreads 200 (unless --operator-env sets it) and the JVM's own heap free ratios.
    String operatorMemory = args.string("operator-memory", "auto");
    // More JVM options for the operator, comma-separated (e.g. -XX:TieredStopAtLevel=4 to try C2 too).
    List<String> jvmExtra = args.list("operator-jvm-extra", "");
    // More of the operator's environment, e.g. FLAGSTAFF_RECONCILE_THREADS=100 (comma-separated K=V).
    Map<String, String> operatorEnv = new LinkedHashMap<>();
    for (String kv : args.list("operator-env", "")) {
      if (!kv.isBlank()) {
        operatorEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    List<String> auditCostAt = args.list("audit-cost-at", "10000");
    Path work = args.path("work", "benchmarks/ops/target/p4");
    Path out = args.path("out", "benchmarks/results/p4-operator-scale.json");

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("operatorEnv", operatorEnv);
    result.put("benchmark", "P4 operator scale: N FeatureFlags created at once, real kube-apiserver 1.37.2 + etcd on"
        + " loopback (audit log on, blocking, Metadata level), against the API server's own floor in the same run");
    result.put("createThreads", threads);
    List<Map<String, Object>> runs = new ArrayList<>();
    try (Machine machine = new Machine(); OtherCpu otherCpu = new OtherCpu();
        RealCluster cluster = RealCluster.start()) {
      int largest = sizes.stream().mapToInt(Integer::parseInt).max().orElse(0);
      for (int s = 0; s < sizes.size(); s++) {
        int n = Integer.parseInt(sizes.get(s));
        int repeat = s < rounds.size() ? Integer.parseInt(rounds.get(s)) : 1;
        for (int r = 0; r < repeat; r++) {
          Map<String, Object> floor = ApiFloor.run(cluster, cluster.namespace("p4-floor-" + n), n, threads,
              timeoutSeconds, otherCpu);
          System.out.println(Machine.pretty(floor));
          boolean large = n > 1000;
          String memory = "auto".equals(operatorMemory) ? (large ? "512m" : "192m") : operatorMemory;
          Map<String, String> env = new LinkedHashMap<>(operatorEnv);
          if (large && "auto".equals(operatorMemory)) {
            env.putIfAbsent("FLAGSTAFF_RECONCILE_THREADS", "200");
          }
          List<String> jvm = new ArrayList<>("chart".equals(jvmMode) ? chartJvmOptions(memory)
              : List.of("-Dfile.encoding=UTF-8"));
          if (large && "auto".equals(operatorMemory) && "chart".equals(jvmMode)) {
            // helm/README's advice for ~10,000 flags: the JVM's own heap free ratios back
            jvm.addAll(List.of("-XX:MinHeapFreeRatio=40", "-XX:MaxHeapFreeRatio=70"));
          }
          jvm.addAll(jvmExtra); // after the others: a later -XX option wins
          if (!jfr.isBlank() && n == largest && r == 0) {
            jvm.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath() + ",settings=profile");
          }
          Map<String, Object> run = run(cluster, operatorJar, jvm, env, n, threads,
              idleAt.contains(Integer.toString(n)) && r == 0 ? idleSeconds : 0, timeoutSeconds, work, otherCpu);
          run.put("round", r + 1);
          run.put("apiServerFloor", floor);
          if (run.get("allReadyMs") instanceof Double ms) {
            run.put("ratioToFloor", Stats.round(ms / (Double) floor.get("allReadyMs")));
          }
          runs.add(run);
          System.out.println(Machine.pretty(run));
          Machine.write(out, result); // what is done so far survives a later failure
        }
      }
      result.put("runs", runs);
      if (!auditCostAt.isEmpty()) {
        result.put("auditLogCost", auditCost(auditCostAt, threads, timeoutSeconds, otherCpu));
      }
      result.put("machine", machine.describe());
    }
    if (!jfr.isBlank() && Path.of(jfr).toFile().isFile()) {
      result.put("jfr", JfrTop.summary(Path.of(jfr), 15));
    }
    Machine.write(out, result);
    System.out.println(Machine.pretty(result.get("jfr")));
    System.out.println("wrote " + out);
  }

  /**
   * The chart's {@code operator.javaToolOptions} (helm/flagstaff/values.yaml) without the image's class-data
   * archive, which exists only in the image, plus the pod's limits: {@code -XX:MaxRAM} and one processor.
   */
  static List<String> chartJvmOptions(String memoryLimit) throws java.io.IOException {
    String values = java.nio.file.Files.readString(Path.of("helm", "flagstaff", "values.yaml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  javaToolOptions: \"([^\"]*)\"")
        .matcher(values);
    if (!m.find()) {
      throw new IllegalStateException("no operator.javaToolOptions in helm/flagstaff/values.yaml");
    }
    List<String> options = new ArrayList<>();
    for (String option : m.group(1).trim().split("\\s+")) {
      if (!option.startsWith("-XX:SharedArchiveFile=")) {
        options.add(option);
      }
    }
    options.add("-XX:MaxRAM=" + memoryLimit);
    options.add("-XX:ActiveProcessorCount=1");
    return options;
  }

  private static Map<String, Object> run(RealCluster cluster, Path operatorJar, List<String> jvm,
      Map<String, String> extraEnv, int n, int threads,
      int idleSeconds, int timeoutSeconds, Path work, OtherCpu otherCpu) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("flags", n);
    r.put("operatorJvmOptions", jvm);
    r.put("operatorEnv", extraEnv);
    r.put("loadAverage1mBefore", Machine.loadAverage());
    String ns = cluster.namespace("p4-" + n);
    String user = RealCluster.operatorUser(ns);
    AuditTail audit = cluster.audit();
    KubernetesClient client = cluster.driver();
    int port = Cluster.freePort();
    Map<String, String> env = cluster.operatorEnv(ns, port);
    env.putAll(extraEnv);
    try (Jvm operator = Jvm.start("p4-operator-" + n, operatorJar, jvm, env, work)) {
      long readyAt = Http.awaitReady(operator, port, Duration.ofSeconds(120));
      r.put("operatorReadyMs", Stats.round(Stats.millisSince(operator.startedNanos(), readyAt)));
      audit.settle(user, 2, 30);
      int mark = audit.poll();

      try (ReadyFlags flags = new ReadyFlags(client, ns, n)) {
        OtherCpu.Window window = otherCpu.begin();
        double operatorCpu = operator.cpuSeconds();
        double apiCpu = cluster.apiServerCpuSeconds();
        long start = System.nanoTime();
        Cluster.createFlags(client, ns, n, threads);
        r.put("allCreatedMs", Stats.round(Stats.millisSince(start, System.nanoTime())));
        long configMapFull;
        long allReady;
        try {
          configMapFull = awaitConfigMapKeys(client, ns, n, start, timeoutSeconds, operator);
          allReady = flags.awaitAllReady(Math.max(1, timeoutSeconds - (System.nanoTime() - start) / 1_000_000_000L));
        } catch (IllegalStateException e) {
          Map<String, Object> partial = new LinkedHashMap<>();
          partial.put("afterSeconds", Stats.round(Stats.millisSince(start, System.nanoTime()) / 1000));
          partial.put("configMapKeys", keys(client, ns));
          partial.put("flagsReady", flags.readyCount());
          partial.put("why", e.getMessage());
          r.put("incomplete", partial);
          r.put("cpuSecondsUntilDeadline", cpu(operator, operatorCpu, cluster, apiCpu));
          r.put("otherProcessesCores", window.cores());
          RequestTally partialTally = RequestTally.of(audit.since(mark, user));
          r.put("requestsUntilDeadline", partialTally.total());
          r.put("requestsByKindUntilDeadline", partialTally.counts());
          r.put("requestsAnsweredNot2xxUntilDeadline", partialTally.refused());
          r.put("apiServerLatencyMsUntilDeadline", audit.latencyByKind(mark, user));
          r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
          if (jvm.stream().anyMatch(o -> o.startsWith("-XX:StartFlightRecording"))) {
            operator.jcmd("JFR.dump");
          }
          r.put("loadAverage1mAfter", Machine.loadAverage());
          return r;
        }
        r.put("configMapHoldsAllKeysMs", Stats.round(Stats.millisSince(start, configMapFull)));
        r.put("allReadyMs", Stats.round(Stats.millisSince(start, allReady)));
        r.put("cpuSecondsUntilAllReady", cpu(operator, operatorCpu, cluster, apiCpu));
        r.put("otherProcessesCores", window.cores());
        if (jvm.stream().anyMatch(o -> o.startsWith("-XX:StartFlightRecording"))) {
          operator.jcmd("JFR.dump");
        }
        audit.settle(user, 3, 120);
        RequestTally burst = RequestTally.of(audit.since(mark, user));
        r.put("requests", burst.total());
        r.put("requestsPerFlag", Stats.round(burst.total() / (double) n));
        r.put("requestsByKind", burst.counts());
        r.put("requestsPerFlagByKind", burst.perFlag(n));
        r.put("requestsAnsweredNot2xx", burst.refused());
        r.put("apiServerLatencyMs", audit.latencyByKind(mark, user));

        operator.jcmd("GC.run");
        Thread.sleep(500);
        r.put("operatorHeapUsedAfterGcMiB", Stats.round(Http.metricSum(port, "jvm_memory_used_bytes",
            "area=\"heap\"") / (1024.0 * 1024)));
        r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
        r.put("operatorPeakRssMiB", Stats.round(operator.peakRssKib() / 1024.0));
        audit.settle(user, 2, 30);
        mark = audit.poll();

        // One change among N.
        String name = Cluster.flagName(n / 2);
        var changed = client.resources(FeatureFlag.class).inNamespace(ns).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"environments\":{\"production\":{\"enabled\":false}}}}");
        long written = System.nanoTime();
        var readyAgain = flags.watchFor(name, changed.getMetadata().getGeneration());
        long applied = readyAgain.get(60, TimeUnit.SECONDS);
        audit.settle(user, 3, 60);
        ConfigMap cm = client.configMaps().inNamespace(ns).withName("feature-flags").get();
        RequestTally change = RequestTally.of(audit.since(mark, user));
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("readyAtNewGenerationMs", Stats.round(Stats.millisSince(written, applied)));
        one.put("configMapValue", cm.getData().get(name));
        one.put("requests", change.total());
        one.put("requestsByKind", change.counts());
        one.put("requestsAnsweredNot2xx", change.refused());
        one.put("configMapWrites", change.count("PATCH configmaps") + change.count("UPDATE configmaps"));
        one.put("statusWrites", change.count("UPDATE featureflags/status") + change.count("PATCH featureflags/status"));
        one.put("events", change.count("CREATE events") + change.count("PATCH events"));
        r.put("oneChange", one);

        if (idleSeconds > 0) {
          mark = audit.poll();
          Thread.sleep(idleSeconds * 1000L);
          RequestTally idle = RequestTally.of(audit.since(mark, user));
          Map<String, Object> quiet = new LinkedHashMap<>();
          quiet.put("seconds", idleSeconds);
          quiet.put("requests", idle.total());
          quiet.put("requestsByKind", idle.counts());
          r.put("idle", quiet);
        }
      }
    }
    r.put("loadAverage1mAfter", Machine.loadAverage());
    return r;
  }

  /**
   * What the audit log (blocking, Metadata) costs the API server: the floor at each size on two fresh servers, with
   * the audit log and without, back to back.
   */
  private static List<Map<String, Object>> auditCost(List<String> sizes, int threads, int timeoutSeconds,
      OtherCpu otherCpu) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String size : sizes) {
      int n = Integer.parseInt(size);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("flags", n);
      for (boolean audit : new boolean[] {true, false}) {
        try (RealCluster fresh = RealCluster.start(audit)) {
          m.put(audit ? "floorWithAuditLog" : "floorWithoutAuditLog",
              ApiFloor.run(fresh, fresh.namespace("p4-audit-" + audit), n, threads, timeoutSeconds, otherCpu));
        }
      }
      double with = (Double) ((Map<?, ?>) m.get("floorWithAuditLog")).get("allReadyMs");
      double without = (Double) ((Map<?, ?>) m.get("floorWithoutAuditLog")).get("allReadyMs");
      m.put("ratioWithToWithout", Stats.round(with / without));
      System.out.println(Machine.pretty(m));
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> cpu(Jvm operator, double operatorCpu, RealCluster cluster, double apiCpu) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("operator", Stats.round(operator.cpuSeconds() - operatorCpu));
    m.put("apiServerAndEtcd", Stats.round(cluster.apiServerCpuSeconds() - apiCpu));
    return m;
  }

  private static int keys(KubernetesClient client, String ns) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName("feature-flags").get();
    return cm == null || cm.getData() == null ? 0 : cm.getData().size();
  }

  /** Polls the ConfigMap (one GET every 50 ms, 500 ms at 10,000 keys) until it holds n keys. */
  private static long awaitConfigMapKeys(KubernetesClient client, String ns, int n, long start, int timeoutSeconds,
      Jvm operator) throws InterruptedException {
    long interval = Math.max(50, n / 20);
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int last;
    do { // at least once: when the creates alone outlast the deadline, the one look says how far it got
      operator.requireAlive();
      last = keys(client, ns);
      if (last >= n) {
        return System.nanoTime();
      }
      Thread.sleep(interval);
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("the ConfigMap holds " + last + " of " + n + " keys after "
        + Stats.round(Stats.millisSince(start, System.nanoTime()) / 1000) + " s (deadline " + timeoutSeconds + " s)");
  }
}
