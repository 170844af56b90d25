package dev.flagstaff.bench.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operator's required requests cost the API server alone, with no operator: P4's floor (N creates, a
 * status write each) against the same floor plus one Event per flag, alternating for {@code --rounds}, on one real
 * API server (audit log on, as P4). If the Events alone take the floor past 1.5×, no operator that records one per
 * new flag can meet P4's ratio on this machine.
 *
 * <pre>java -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P4EventFloor --flags 10000 --rounds 2</pre>
 */
public final class P4EventFloor {
  private P4EventFloor() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int n = args.integer("flags", 10000);
    int rounds = args.integer("rounds", 2);
    int threads = args.integer("threads", 16);
    int timeoutSeconds = args.integer("timeout-seconds", 300);
    Path out = args.path("out", "benchmarks/results/p4-event-floor.json");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "P4's floor with and without one Event per flag: real kube-apiserver 1.37.2 + etcd on"
        + " loopback (audit log on, blocking, Metadata level), no operator");
    List<Map<String, Object>> runs = new ArrayList<>();
    result.put("runs", runs);
    try (Machine machine = new Machine(); OtherCpu otherCpu = new OtherCpu();
        RealCluster cluster = RealCluster.start()) {
      for (int r = 0; r < rounds; r++) {
        for (boolean events : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
          Map<String, Object> floor = ApiFloor.run(cluster,
              cluster.namespace("p4-floor-" + (events ? "events-" : "") + r), n, threads, timeoutSeconds, otherCpu,
              events);
          floor.put("round", r + 1);
          floor.put("events", events);
          runs.add(floor);
          System.out.println(Machine.pretty(floor));
          Machine.write(out, result);
        }
      }
    }
    Machine.write(out, result);
  }
}
