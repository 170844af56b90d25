package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The API server's own floor under P4: the same N creates as the operator run (same threads), and for each created
 * flag one status write (a PUT of the status subresource at the create's resourceVersion, as the operator writes
 * it) with a Ready condition at generation 1 — made by the driver, with no operator. It is timed as the operator
 * run is: until the driver's informer has seen every flag Ready.
 */
final class ApiFloor {
  private ApiFloor() {
  }

  static Map<String, Object> run(RealCluster cluster, String namespace, int n, int threads, int timeoutSeconds,
      OtherCpu otherCpu) throws Exception {
    return run(cluster, namespace, n, threads, timeoutSeconds, otherCpu, false);
  }

  /**
   * As {@link #run(RealCluster, String, int, int, int, OtherCpu)}; with {@code events} each status write is followed
   * by one Event about the flag, as the operator records it for a new flag ({@code StateChanged}): what the issue's
   * one Event per change costs the API server on its own.
   */
  static Map<String, Object> run(RealCluster cluster, String namespace, int n, int threads, int timeoutSeconds,
      OtherCpu otherCpu, boolean events) throws Exception {
    KubernetesClient client = cluster.driver();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("flags", n);
    try (ReadyFlags flags = new ReadyFlags(client, namespace, n)) {
      OtherCpu.Window window = otherCpu.begin();
      double apiCpu = cluster.apiServerCpuSeconds();
      ExecutorService creates = Executors.newFixedThreadPool(threads);
      ExecutorService statuses = Executors.newFixedThreadPool(threads);
      ConcurrentLinkedQueue<Future<?>> written = new ConcurrentLinkedQueue<>();
      long start = System.nanoTime();
      try {
        List<Future<?>> created = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          FeatureFlag flag = Cluster.flag(Cluster.flagName(i), true);
          created.add(creates.submit(() -> {
            FeatureFlag made = client.resources(FeatureFlag.class).inNamespace(namespace).resource(flag).create();
            written.add(statuses.submit(() -> {
              writeStatus(client, namespace, made);
              if (events) {
                recordEvent(client, namespace, made);
              }
              return null;
            }));
            return null;
          }));
        }
        for (Future<?> c : created) {
          c.get();
        }
        long allCreated = System.nanoTime();
        f.put("allCreatedMs", Stats.round(Stats.millisSince(start, allCreated)));
        for (Future<?> w : written) {
          w.get();
        }
        f.put("allStatusWrittenMs", Stats.round(Stats.millisSince(start, System.nanoTime())));
      } catch (ExecutionException e) {
        throw new IllegalStateException("a floor request failed", e.getCause());
      } finally {
        creates.shutdownNow();
        statuses.shutdownNow();
      }
      long ready = flags.awaitAllReady(timeoutSeconds);
      f.put("allReadyMs", Stats.round(Stats.millisSince(start, ready)));
      f.put("apiServerAndEtcdCpuSeconds", Stats.round(cluster.apiServerCpuSeconds() - apiCpu));
      f.put("otherProcessesCores", window.cores());
    }
    f.put("what", "driver alone, no operator: " + n + " creates on " + threads + " threads, each followed by one"
        + " status PUT (Ready at generation 1)" + (events ? " and one Event (StateChanged, as the operator's)" : "")
        + " on another " + threads + " threads; until the driver's informer saw all Ready");
    return f;
  }

  private static void recordEvent(KubernetesClient client, String namespace, FeatureFlag made) {
    String now = "2026-01-01T00:00:00Z";
    client.v1().events().inNamespace(namespace).resource(new EventBuilder()
        .withNewMetadata().withName(made.getMetadata().getName() + ".floor").withNamespace(namespace).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(made.getApiVersion()).withKind(made.getKind())
            .withName(made.getMetadata().getName()).withNamespace(namespace).withUid(made.getMetadata().getUid())
            .withResourceVersion(made.getMetadata().getResourceVersion()).build())
        .withType("Normal").withReason("StateChanged").withMessage(Cluster.ENVIRONMENT + ": unset → Enabled")
        .withNewSource().withComponent("flagstaff-operator").endSource()
        .withReportingComponent("flagstaff.dev/operator")
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build()).create();
  }

  private static Void writeStatus(KubernetesClient client, String namespace, FeatureFlag made) {
    FeatureFlagStatus status = new FeatureFlagStatus();
    status.setObservedGeneration(made.getMetadata().getGeneration());
    status.setEnvironment(Cluster.ENVIRONMENT);
    status.setKey(made.getMetadata().getName());
    status.setState("Enabled");
    status.setConditions(new ArrayList<>(List.of(new ConditionBuilder().withType("Ready").withStatus("True")
        .withObservedGeneration(made.getMetadata().getGeneration()).withReason("Applied").withMessage("applied")
        .withLastTransitionTime("2026-01-01T00:00:00Z").build())));
    made.setStatus(status);
    client.resources(FeatureFlag.class).inNamespace(namespace).resource(made).updateStatus();
    return null;
  }
}
