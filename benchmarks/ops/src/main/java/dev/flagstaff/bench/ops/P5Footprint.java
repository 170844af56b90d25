package dev.flagstaff.bench.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstaff.testkit.KubernetesTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P5 — footprint. With N flags (1,000) already in a fresh mock API server: the operator jar is started, and timed
 * from process start to {@code /readyz} 200 and to every flag Ready; then the endpoint jar, timed from process start
 * to {@code /readyz} 200 and to {@code /flags} listing N keys. Resident memory (VmRSS, and the peak VmHWM) of each,
 * 2 s after it got there. Each configuration of JVM flags is started {@code starts} times.
 */
public final class P5Footprint {
  private static final String NAMESPACE = "p5";
  private static final ObjectMapper JSON = new ObjectMapper();

  private P5Footprint() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    Path endpointJar = args.path("endpoint-jar", "slack-endpoint/target/flagstaff-slack-endpoint.jar");
    int n = args.integer("flags", 1000);
    int starts = args.integer("starts", 3);
    Path work = args.path("work", "benchmarks/ops/target/p5");
    Path out = args.path("out", "benchmarks/results/p5-footprint.json");
    Cluster.quietMock();
    Map<String, List<String>> configs = new LinkedHashMap<>();
    configs.put("default", List.of("-Dfile.encoding=UTF-8"));
    configs.put("Xmx256m", List.of("-Dfile.encoding=UTF-8", "-Xmx256m"));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "P5 footprint: resident memory and time to ready of both jars with " + n + " flags");
    try (Machine machine = new Machine()) {
      Map<String, Object> byConfig = new LinkedHashMap<>();
      for (var config : configs.entrySet()) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int s = 0; s < starts; s++) {
          Map<String, Object> run = once(operatorJar, endpointJar, config.getValue(), n, work);
          run.put("start", s + 1);
          runs.add(run);
          System.out.println(config.getKey() + " " + Machine.pretty(run));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jvmOptions", config.getValue());
        c.put("summary", summarize(runs));
        c.put("runs", runs);
        byConfig.put(config.getKey(), c);
      }
      result.put("configs", byConfig);
      result.put("machine", machine.describe());
    }
    Machine.write(out, result);
    System.out.println("wrote " + out);
  }

  private static Map<String, Object> summarize(List<Map<String, Object>> runs) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (String field : runs.get(0).keySet()) {
      if (runs.get(0).get(field) instanceof Double) {
        s.put(field, Stats.spread(runs.stream().map(r -> (Double) r.get(field)).toList()));
      }
    }
    return s;
  }

  private static Map<String, Object> once(Path operatorJar, Path endpointJar, List<String> jvm, int n, Path work)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("loadAverage1mBefore", Machine.loadAverage());
    try (KubernetesTestServer server = KubernetesTestServer.start(NAMESPACE);
        KubernetesClient client = Cluster.driverClient(server, NAMESPACE)) {
      Cluster.createFlags(client, NAMESPACE, n, 16);
      try (ReadyFlags flags = new ReadyFlags(client, NAMESPACE, n)) {
        int operatorPort = Cluster.freePort();
        try (Jvm operator = Jvm.start("p5-operator", operatorJar, jvm,
            Cluster.operatorEnv(server, NAMESPACE, operatorPort), work)) {
          long ready = Http.awaitReady(operator, operatorPort, Duration.ofSeconds(120));
          long allReady = flags.awaitAllReady(300);
          r.put("operatorReadyzMs", Stats.round(Stats.millisSince(operator.startedNanos(), ready)));
          r.put("operatorAllFlagsReadyMs", Stats.round(Stats.millisSince(operator.startedNanos(), allReady)));
          Thread.sleep(2000);
          r.put("operatorRssMiB", Stats.round(operator.rssKib() / 1024.0));
          r.put("operatorPeakRssMiB", Stats.round(operator.peakRssKib() / 1024.0));
          r.put("operatorHeapUsedMiB", Stats.round(Http.metricSum(operatorPort, "jvm_memory_used_bytes",
              "area=\"heap\"") / (1024.0 * 1024)));

          int management = Cluster.freePort();
          try (Jvm endpoint = Jvm.start("p5-endpoint", endpointJar, jvm, Cluster.endpointEnv(
              Cluster.kubeEnv(server, NAMESPACE), NAMESPACE, null, Cluster.freePort(), management), work)) {
            long endpointReady = Http.awaitReady(endpoint, management, Duration.ofSeconds(120));
            long listed = awaitListed(endpoint, management, n);
            r.put("endpointReadyzMs", Stats.round(Stats.millisSince(endpoint.startedNanos(), endpointReady)));
            r.put("endpointListsAllFlagsMs", Stats.round(Stats.millisSince(endpoint.startedNanos(), listed)));
            Thread.sleep(2000);
            r.put("endpointRssMiB", Stats.round(endpoint.rssKib() / 1024.0));
            r.put("endpointPeakRssMiB", Stats.round(endpoint.peakRssKib() / 1024.0));
            r.put("endpointHeapUsedMiB", Stats.round(Http.metricSum(management, "jvm_memory_used_bytes",
                "area=\"heap\"") / (1024.0 * 1024)));
          }
        }
      }
    }
    r.put("loadAverage1mAfter", Machine.loadAverage());
    return r;
  }

  /** Polls {@code /flags} every 20 ms until it lists n flags; returns System.nanoTime() then. */
  private static long awaitListed(Jvm endpoint, int port, int n) throws Exception {
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
    throw new IllegalStateException("/flags did not list " + n + " flags within 120 s");
  }
}
