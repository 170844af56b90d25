package dev.flagstaff.bench.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P5 — footprint on a real kube-apiserver + etcd (one server for the run, fresh namespaces per start). For each
 * JVM configuration ({@link P5Configs}) and start: the operator jar, as its own ServiceAccount, in a namespace
 * holding N FeatureFlags without status (timed from process start to {@code /readyz} 200 and to every flag Ready,
 * or until {@code --operator-seconds}); then the endpoint jar, as its own ServiceAccount, in a namespace whose
 * ConfigMap holds N keys (timed to {@code /readyz} 200 and to {@code /flags} listing N keys). Resident memory
 * (VmRSS, and the peak VmHWM), the heap in use and the thread count, 2 s after each got there. The configurations
 * alternate start by start, so each sees the same machine.
 */
public final class P5Footprint {
  private P5Footprint() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    Path endpointJar = args.path("endpoint-jar", "slack-endpoint/target/flagstaff-slack-endpoint.jar");
    int n = args.integer("flags", 1000);
    int starts = args.integer("starts", 2);
    int operatorSeconds = args.integer("operator-seconds", 60);
    List<String> names = args.list("configs", String.join(",", P5Configs.NAMES));
    Path work = args.path("work", "benchmarks/ops/target/p5").toAbsolutePath();
    Path out = args.path("out", "benchmarks/results/p5-footprint.json");
    List<String> archives = args.list("archives", "");
    // diagnostics, not part of a configuration: e.g. --jvm-extra "-Xlog:class+load:file=/tmp/{jvm}.cl:uptime"
    List<String> extra = args.string("jvm-extra", "").isBlank() ? List.of()
        : List.of(args.string("jvm-extra", "").trim().split("\\s+"));
    boolean nmt = Boolean.parseBoolean(args.string("nmt", "false"));
    if (nmt) {
      extra = new ArrayList<>(extra);
      extra.add("-XX:NativeMemoryTracking=summary");
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("classDataArchives", archives.isEmpty() ? "none" : archives);
    result.put("benchmark", "P5 footprint: resident memory and time to ready of both jars with " + n + " flags,"
        + " real kube-apiserver 1.37.2 + etcd on loopback (no audit log), each jar as its own ServiceAccount");
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    try (Machine machine = new Machine(); OtherCpu otherCpu = new OtherCpu();
        RealCluster cluster = RealCluster.start(false)) {
      P5Configs configs = new P5Configs(archives).withExtra(extra);
      result.put("jvmExtraOptions", extra);
      for (int s = 0; s < starts; s++) {
        for (String name : names) {
          P5Configs.Choice choice = configs.get(name);
          Map<String, Object> run = P5Start.run(cluster, operatorJar, endpointJar, choice, n, operatorSeconds, work,
              otherCpu, nmt);
          run.put("start", s + 1);
          runs.computeIfAbsent(name, k -> new ArrayList<>()).add(run);
          System.out.println(name + " " + Machine.pretty(run));
          result.put("configs", summarize(runs, configs));
          Machine.write(out, result); // what is done so far survives a later failure
        }
      }
      result.put("machine", machine.describe());
    }
    Machine.write(out, result);
    System.out.println(Machine.pretty(table(result)));
    System.out.println("wrote " + out);
  }

  private static Map<String, Object> summarize(Map<String, List<Map<String, Object>>> runs, P5Configs configs) {
    Map<String, Object> byConfig = new LinkedHashMap<>();
    runs.forEach((name, list) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("operatorJvmOptions", configs.operatorOptions(name));
      c.put("endpointJvmOptions", configs.endpointOptions(name));
      Map<String, Object> s = new LinkedHashMap<>();
      for (String field : list.get(0).keySet()) {
        if (list.get(0).get(field) instanceof Double) {
          s.put(field, Stats.spread(list.stream().map(r -> (Double) r.get(field)).toList()));
        }
      }
      c.put("summary", s);
      c.put("runs", list);
      byConfig.put(name, c);
    });
    return byConfig;
  }

  /** One line per configuration: the medians a reader compares. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> table(Map<String, Object> result) {
    Map<String, String> lines = new LinkedHashMap<>();
    ((Map<String, Object>) result.get("configs")).forEach((name, c) -> {
      Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) c).get("summary");
      lines.put(name, String.format(java.util.Locale.ROOT,
          "operator RSS %s MiB (peak %s), readyz %s ms | endpoint RSS %s MiB (peak %s), readyz %s ms",
          median(s, "operatorRssMiB"), median(s, "operatorPeakRssMiB"), median(s, "operatorReadyzMs"),
          median(s, "endpointRssMiB"), median(s, "endpointPeakRssMiB"), median(s, "endpointReadyzMs")));
    });
    return lines;
  }

  @SuppressWarnings("unchecked")
  private static Object median(Map<String, Object> summary, String field) {
    Object spread = summary.get(field);
    return spread instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("median") : "-";
  }
}
