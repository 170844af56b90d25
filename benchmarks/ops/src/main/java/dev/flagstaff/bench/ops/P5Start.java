package dev.flagstaff.bench.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One P5 start of each jar with one JVM configuration, on the real API server. */
final class P5Start {
  private static final ObjectMapper JSON = new ObjectMapper();

  private P5Start() {
  }

  static Map<String, Object> run(RealCluster cluster, Path operatorJar, Path endpointJar, P5Configs.Choice choice,
      int n, int operatorSeconds, Path work, OtherCpu otherCpu, boolean nmt) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("loadAverage1mBefore", Machine.loadAverage());
    KubernetesClient client = cluster.driver();

    String ns = cluster.namespace("p5-op");
    Cluster.createFlags(client, ns, n, 16);
    OtherCpu.Window window = otherCpu.begin();
    try (ReadyFlags flags = new ReadyFlags(client, ns, n)) {
      int port = Cluster.freePort();
      Map<String, String> env = new HashMap<>(cluster.operatorEnv(ns, port));
      env.putAll(choice.env());
      try (Jvm operator = Jvm.start("p5-operator-" + choice.name(), operatorJar, choice.operator(), env, work)) {
        long ready = Http.awaitReady(operator, port, Duration.ofSeconds(120));
        r.put("operatorReadyzMs", Stats.round(Stats.millisSince(operator.startedNanos(), ready)));
        // CPU used until ready: under the chart's 1-CPU limit, a start cannot be ready sooner than this
        r.put("operatorCpuSecondsAtReady", Stats.round(operator.cpuSeconds()));
        try {
          long allReady = flags.awaitAllReady(operatorSeconds);
          r.put("operatorAllFlagsReadyMs", Stats.round(Stats.millisSince(operator.startedNanos(), allReady)));
        } catch (IllegalStateException e) {
          r.put("operatorAllFlagsReady", "not within " + operatorSeconds + " s of start: " + flags.readyCount()
              + " of " + n + " Ready (RSS read then, during the burst)");
        }
        Thread.sleep(2000);
        operator.requireAlive();
        r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
        r.put("operatorPeakRssMiB", Stats.round(operator.peakRssKib() / 1024.0));
        r.put("operatorHeapUsedMiB", Stats.round(Http.metricSum(port, "jvm_memory_used_bytes", "area=\"heap\"")
            / (1024.0 * 1024)));
        r.put("operatorThreads", (double) operator.threads());
        r.put("operatorCpuSeconds", Stats.round(operator.cpuSeconds()));
        if (nmt) {
          r.put("operatorNmtCommittedMiB", nativeMemory(operator, work.resolve("operator-" + choice.name() + ".nmt")));
          r.put("operatorThreadsByName", threadsByName(operator));
        }
      }
    }

    String ens = endpointNamespace(cluster, "p5-ep", n);
    int management = Cluster.freePort();
    Map<String, String> env = new HashMap<>(cluster.endpointEnv(ens, "flagstaff-slack-endpoint-0",
        Cluster.freePort(), management));
    env.putAll(choice.env());
    try (Jvm endpoint = Jvm.start("p5-endpoint-" + choice.name(), endpointJar, choice.endpoint(), env, work)) {
      long ready = Http.awaitReady(endpoint, management, Duration.ofSeconds(120));
      double cpuAtReady = endpoint.cpuSeconds();
      long listed = awaitListed(endpoint, management, n);
      r.put("endpointReadyzMs", Stats.round(Stats.millisSince(endpoint.startedNanos(), ready)));
      r.put("endpointCpuSecondsAtReady", Stats.round(cpuAtReady));
      r.put("endpointListsAllFlagsMs", Stats.round(Stats.millisSince(endpoint.startedNanos(), listed)));
      Thread.sleep(2000);
      endpoint.requireAlive();
      r.put("endpointRssMiB", Stats.round(endpoint.rssKib() / 1024.0));
      r.put("endpointPeakRssMiB", Stats.round(endpoint.peakRssKib() / 1024.0));
      r.put("endpointHeapUsedMiB", Stats.round(Http.metricSum(management, "jvm_memory_used_bytes", "area=\"heap\"")
          / (1024.0 * 1024)));
      r.put("endpointThreads", (double) endpoint.threads());
      if (nmt) {
        r.put("endpointNmtCommittedMiB", nativeMemory(endpoint, work.resolve("endpoint-" + choice.name() + ".nmt")));
        r.put("endpointThreadsByName", threadsByName(endpoint));
      }
    }
    r.put("otherCores", Stats.round(window.cores()));
    r.put("loadAverage1mAfter", Machine.loadAverage());
    return r;
  }

  private static final java.util.regex.Pattern NMT_LINE = java.util.regex.Pattern.compile(
      "^(?:-\\s+(\\S.*?)|(Total):)\\s*\\(?\\s*reserved=(\\d+)KB, committed=(\\d+)KB");

  /**
   * {@code jcmd VM.native_memory summary} (the JVM runs with -XX:NativeMemoryTracking=summary), kept in {@code file};
   * returns the committed MiB per category.
   */
  static Map<String, Object> nativeMemory(Jvm jvm, Path file) throws java.io.IOException {
    String summary = jvm.jcmd("VM.native_memory", "summary");
    java.nio.file.Files.writeString(file, summary);
    Map<String, Object> committed = new LinkedHashMap<>();
    for (String line : summary.split("\n")) {
      java.util.regex.Matcher m = NMT_LINE.matcher(line.trim());
      if (m.find()) {
        String category = m.group(1) != null ? m.group(1).trim() : m.group(2);
        committed.put(category, Stats.round(Long.parseLong(m.group(4)) / 1024.0));
      }
    }
    return committed;
  }

  /** The JVM's threads counted by name with the digits taken out ({@code jcmd Thread.print}), most first. */
  static Map<String, Object> threadsByName(Jvm jvm) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (String line : jvm.jcmd("Thread.print").split("\n")) {
      if (line.startsWith("\"")) {
        String name = line.substring(1, Math.max(1, line.indexOf('"', 1))).replaceAll("\\d+", "N");
        counts.merge(name, 1, Integer::sum);
      }
    }
    Map<String, Object> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> sorted.put(e.getKey(), (double) e.getValue()));
    return sorted;
  }

  /** A fresh namespace whose {@code feature-flags} ConfigMap holds n keys, as the operator writes them. */
  static String endpointNamespace(RealCluster cluster, String prefix, int n) {
    String ns = cluster.namespace(prefix);
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      data.put(Cluster.flagName(i), i % 2 == 0 ? "{\"enabled\":true}" : "{\"enabled\":false}");
    }
    cluster.driver().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("feature-flags").endMetadata().withData(data).build()).create();
    return ns;
  }

  /** Polls {@code /flags} every 20 ms until it lists n flags; returns System.nanoTime() then. */
  static long awaitListed(Jvm endpoint, int port, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      endpoint.requireAlive();
      String body = Http.get(port, "/flags");
      if (body != null) {
        JsonNode flags = JSON.readTree(body).path("flags");
        if (flags.size() >= n) {
          return System.nanoTime();
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("/flags did not list " + n + " flags within 120 s; output ends:\n"
        + endpoint.tail(30));
  }
}
