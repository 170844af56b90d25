package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The operator's requests for N new flags, sent by the driver itself with no operator: per flag, a merge patch adding
 * the finalizer, optionally a GET of the ConfigMap (what Fabric8's {@code withName(..).patch(ctx, String)} sends
 * before each patch), a merge patch of one ConfigMap key, an Event, and a merge patch of the status. It measures
 * how fast the mock API server alone serves that mix: the floor under P4's operator figure.
 */
final class OperatorPattern {
  private OperatorPattern() {
  }

  /** @return how many flags' requests completed within {@code timeoutSeconds} */
  static int replay(KubernetesClient client, String namespace, int n, int threads, boolean getBeforePatch,
      int timeoutSeconds) throws InterruptedException {
    ConfigMap stub = new ConfigMapBuilder().withNewMetadata().withName("feature-flags").withNamespace(namespace)
        .endMetadata().build();
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder(stub).withData(Map.of()).build()).create();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = Cluster.flagName(i);
        done.add(pool.submit(() -> one(client, namespace, name, stub, getBeforePatch)));
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(timeoutSeconds);
      int completed = 0;
      for (Future<?> f : done) {
        long left = deadline - System.nanoTime();
        try {
          f.get(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS);
          completed++;
        } catch (java.util.concurrent.TimeoutException e) {
          break;
        }
      }
      if (completed < n) {
        completed = (int) done.stream().filter(Future::isDone).count();
      }
      return completed;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a replayed request failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Void one(KubernetesClient client, String namespace, String name, ConfigMap stub,
      boolean getBeforePatch) {
    FeatureFlag flagStub = new FeatureFlag();
    flagStub.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
        .withNamespace(namespace).build());
    var flag = client.resources(FeatureFlag.class).inNamespace(namespace).resource(flagStub);
    flag.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"finalizers\":[\"flagstaff.dev/configmap-key\"]}}");
    if (getBeforePatch) {
      client.configMaps().inNamespace(namespace).withName("feature-flags").get();
    }
    client.configMaps().inNamespace(namespace).resource(stub).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"data\":{\"" + name + "\":\"{\\\"enabled\\\":true,\\\"generation\\\":1}\"}}");
    client.v1().events().inNamespace(namespace).resource(new EventBuilder()
        .withNewMetadata().withGenerateName(name + ".").withNamespace(namespace).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withKind("FeatureFlag").withName(name)
            .withNamespace(namespace).build())
        .withType("Normal").withReason("StateChanged").withMessage("production: null -> Enabled").build()).create();
    flag.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"observedGeneration\":1,\"environment\":\"production\",\"key\":\"" + name
            + "\",\"state\":\"Enabled\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
            + "\"observedGeneration\":1,\"reason\":\"Applied\",\"message\":\"applied\","
            + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
    return null;
  }
}
