package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.testkit.kube.Cli;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * P2 at scale — propagation with 1,000 flags and 3 endpoint processes on a real kube-apiserver. The operator and
 * three endpoint jars (each its own JVM, pod name and consumer Lease) run as their ServiceAccounts; once every flag
 * is Propagated 3/3 (created in batches of {@code --batch}, each Propagated before the next), the three endpoints are restarted one after the other as a Deployment's rolling update does
 * (maxSurge 1, maxUnavailable 0: the new pod Ready, then the old one stopped cleanly), and the operator's status
 * writes during the restart are counted from the audit log, per flag. Then one flag is changed several times: the
 * time {@code kubectl wait --for=condition=Propagated} takes (started right after the write), against the time until
 * all three endpoints answer the new decision, and against {@code kubectl wait} on a condition already met (the
 * cost of kubectl itself).
 */
public final class P2RollingRestart {
  private record Pod(String name, Jvm jvm, int management) {
  }

  private P2RollingRestart() {
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path operatorJar = args.path("operator-jar", "operator/target/flagstaff-operator.jar");
    Path endpointJar = args.path("endpoint-jar", "slack-endpoint/target/flagstaff-slack-endpoint.jar");
    int n = args.integer("flags", 1000);
    int replicas = args.integer("replicas", 3);
    int changes = args.integer("changes", 6);
    int timeoutSeconds = args.integer("timeout-seconds", 240);
    int batch = args.integer("batch", 100);
    Path work = args.path("work", "benchmarks/ops/target/p2-rolling");
    Path out = args.path("out", "benchmarks/results/p2-rolling-restart.json");
    List<String> jvm = List.of("-Dfile.encoding=UTF-8");

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("benchmark", "P2 at scale: " + n + " flags, " + replicas + " endpoint processes, rolling restart and"
        + " kubectl wait --for=condition=Propagated; real kube-apiserver 1.37.2 + etcd on loopback (audit log on)");
    List<Pod> pods = new ArrayList<>();
    try (Machine machine = new Machine(); OtherCpu otherCpu = new OtherCpu();
        RealCluster cluster = RealCluster.start()) {
      String ns = cluster.namespace("p2-rolling");
      String user = RealCluster.operatorUser(ns);
      KubernetesClient client = cluster.driver();
      AuditTail audit = cluster.audit();
      int operatorPort = Cluster.freePort();
      try (Jvm operator = Jvm.start("p2r-operator", operatorJar, jvm, cluster.operatorEnv(ns, operatorPort), work)) {
        Http.awaitReady(operator, operatorPort, Duration.ofSeconds(120));
        for (int i = 0; i < replicas; i++) {
          pods.add(startPod(cluster, ns, endpointJar, jvm, "flagstaff-slack-endpoint-1-" + i, work));
        }
        OtherCpu.Window window = otherCpu.begin();
        long start = System.nanoTime();
        // In batches, each Propagated before the next: this benchmark is about the restart, and P4 shows that one
        // burst of 1,000 takes the operator minutes on this API server.
        for (int from = 0; from < n; from += batch) {
          Cluster.createFlags(client, ns, from, Math.min(n, from + batch), 16);
          awaitPropagated(client, ns, Math.min(n, from + batch), replicas, timeoutSeconds);
        }
        r.put("createdInBatchesOf", batch);
        r.put("allPropagatedAfterCreateMs", Stats.round(Stats.millisSince(start, System.nanoTime())));
        audit.settle(user, 3, 120);
        r.put("otherProcessesCoresDuringCreate", window.cores());

        // The rolling restart.
        int mark = audit.poll();
        window = otherCpu.begin();
        start = System.nanoTime();
        List<Double> steps = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
          long step = System.nanoTime();
          Pod fresh = startPod(cluster, ns, endpointJar, jvm, "flagstaff-slack-endpoint-2-" + i, work);
          Pod old = pods.set(i, fresh);
          old.jvm().close();
          steps.add(Stats.millisSince(step, System.nanoTime()));
        }
        long restarted = System.nanoTime();
        awaitPropagated(client, ns, n, replicas, timeoutSeconds);
        long settledAt = System.nanoTime();
        // 15 s without a request: longer than the operator's 10 s hold of count-only status changes (ConsumerChurn),
        // so that writes held back during the restart are counted too
        audit.settle(user, 15, 120);
        RequestTally restart = RequestTally.of(audit.since(mark, user));
        Map<String, Object> rolling = new LinkedHashMap<>();
        rolling.put("podStepsMs", steps);
        rolling.put("restartMs", Stats.round(Stats.millisSince(start, restarted)));
        rolling.put("allPropagated3of3AgainMs", Stats.round(Stats.millisSince(start, settledAt)));
        int statusWrites = restart.count("UPDATE featureflags/status") + restart.count("PATCH featureflags/status");
        rolling.put("statusWrites", statusWrites);
        rolling.put("statusWritesPerFlag", Stats.round(statusWrites / (double) n));
        rolling.put("targetStatusWritesPerFlag", 2);
        rolling.put("operatorRequests", restart.total());
        rolling.put("operatorRequestsByKind", restart.counts());
        rolling.put("requestsAnsweredNot2xx", restart.refused());
        rolling.put("endpointRequests", audit.since(mark, RealCluster.endpointUser(ns)).size());
        rolling.put("otherProcessesCores", window.cores());
        r.put("rollingRestart", rolling);
        System.out.println(Machine.pretty(rolling));

        r.put("kubectlWait", changes(cluster, ns, pods, n, changes, otherCpu));
      } finally {
        pods.forEach(p -> p.jvm().close());
      }
      r.put("machine", machine.describe());
    }
    Machine.write(out, r);
    System.out.println(Machine.pretty(r));
  }

  private static Map<String, Object> changes(RealCluster cluster, String ns, List<Pod> pods, int n, int changes,
      OtherCpu otherCpu) throws Exception {
    KubernetesClient client = cluster.driver();
    Cli kubectl = Cli.kubectl(cluster.server().binaries(), cluster.server().kubeconfig(ns));
    String name = Cluster.flagName(n / 2);
    List<Double> reference = new ArrayList<>();
    List<Double> waited = new ArrayList<>();
    List<Double> applied = new ArrayList<>();
    List<Double> afterApplied = new ArrayList<>();
    OtherCpu.Window window = otherCpu.begin();
    for (int c = 0; c < changes; c++) {
      long before = System.nanoTime();
      kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/" + name).orThrow();
      reference.add(Stats.millisSince(before, System.nanoTime()));

      boolean on = c % 2 == 1;
      client.resources(FeatureFlag.class).inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"environments\":{\"production\":{\"enabled\":" + on + "}}}}");
      long written = System.nanoTime();
      CompletableFuture<Long> wait = CompletableFuture.supplyAsync(() -> {
        kubectl.run("wait", "--for=condition=Propagated", "--timeout=60s", "ff/" + name).orThrow();
        return System.nanoTime();
      });
      long allApplied = awaitDecision(pods, name, on, Duration.ofSeconds(30));
      long returned = wait.get(60, TimeUnit.SECONDS);
      waited.add(Stats.millisSince(written, returned));
      applied.add(Stats.millisSince(written, allApplied));
      afterApplied.add(Stats.millisSince(allApplied, returned));
      Thread.sleep(500);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flag", name + " among " + n);
    m.put("changes", changes);
    m.put("kubectlWaitAfterWriteMs", waited);
    m.put("allEndpointsAnswerNewDecisionMs", applied);
    m.put("kubectlReturnedAfterLastEndpointMs", afterApplied);
    m.put("referenceKubectlWaitAlreadyMetMs", reference);
    m.put("referenceMedianMs", Stats.round(Stats.median(reference)));
    m.put("otherProcessesCores", window.cores());
    return m;
  }

  private static Pod startPod(RealCluster cluster, String ns, Path jar, List<String> jvm, String pod, Path work)
      throws InterruptedException {
    int management = Cluster.freePort();
    Jvm process = Jvm.start(pod, jar, jvm, cluster.endpointEnv(ns, pod, Cluster.freePort(), management), work);
    Http.awaitReady(process, management, Duration.ofSeconds(120));
    return new Pod(pod, process, management);
  }

  /** System.nanoTime() when every pod's {@code /flags/{key}} answered the new decision (polled back to back). */
  private static long awaitDecision(List<Pod> pods, String key, boolean on, Duration timeout) {
    String want = "\"enabled\":" + on;
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean[] done = new boolean[pods.size()];
    int left = pods.size();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < pods.size(); i++) {
        if (!done[i]) {
          String body = Http.get(pods.get(i).management(), "/flags/" + key);
          if (body != null && body.contains(want)) {
            done[i] = true;
            left--;
          }
        }
      }
      if (left == 0) {
        return System.nanoTime();
      }
    }
    throw new IllegalStateException("not every endpoint answered " + want + " for " + key + " within " + timeout);
  }

  /** Lists the flags once a second until all {@code n} are Propagated {@code replicas}/{@code replicas}. */
  private static void awaitPropagated(KubernetesClient client, String ns, int n, int replicas, int timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    String want = replicas + "/" + replicas;
    long count = 0;
    FeatureFlag sample = null;
    while (System.nanoTime() < deadline) {
      List<FeatureFlag> flags = client.resources(FeatureFlag.class).inNamespace(ns).list().getItems();
      count = flags.stream().filter(f -> propagated(f, want)).count();
      sample = flags.stream().filter(f -> !propagated(f, want)).findFirst().orElse(null);
      if (count >= n) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException(count + " of " + n + " flags Propagated " + want + " after " + timeoutSeconds
        + " s; e.g. " + (sample == null ? "none" : sample.getMetadata().getName() + " " + sample.getStatus()));
  }

  private static boolean propagated(FeatureFlag flag, String want) {
    if (flag.getStatus() == null || !want.equals(flag.getStatus().getPropagation())) {
      return false;
    }
    for (Condition c : flag.getStatus().getConditions()) {
      if ("Propagated".equals(c.getType())) {
        return "True".equals(c.getStatus()) && flag.getMetadata().getGeneration().equals(c.getObservedGeneration());
      }
    }
    return false;
  }
}
