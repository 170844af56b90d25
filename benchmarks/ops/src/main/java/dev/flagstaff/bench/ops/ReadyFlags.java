package dev.flagstaff.bench.ops;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches the FeatureFlags of a namespace (an informer in the driver: one list, then one watch; each event is one
 * small resource) and notes when {@code expected} of them are Ready: condition Ready=True, and both the status's and
 * the condition's observedGeneration equal to metadata.generation.
 */
final class ReadyFlags implements AutoCloseable {
  private final SharedIndexInformer<FeatureFlag> informer;
  private final Set<String> ready = new HashSet<>();
  private final CompletableFuture<Long> allReady = new CompletableFuture<>();
  private volatile int expected;
  private volatile String watchedName;
  private volatile long watchedGeneration;
  private volatile CompletableFuture<Long> watchedReady = new CompletableFuture<>();

  ReadyFlags(KubernetesClient client, String namespace, int expected) {
    this.expected = expected;
    informer = client.resources(FeatureFlag.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(FeatureFlag flag) {
        seen(flag);
      }

      @Override
      public void onUpdate(FeatureFlag old, FeatureFlag flag) {
        seen(flag);
      }

      @Override
      public void onDelete(FeatureFlag flag, boolean unknownFinalState) {
        synchronized (ready) {
          ready.remove(flag.getMetadata().getName());
        }
      }
    });
  }

  static boolean isReady(FeatureFlag flag) {
    FeatureFlagStatus status = flag.getStatus();
    Long generation = flag.getMetadata().getGeneration();
    if (status == null || generation == null || !generation.equals(status.getObservedGeneration())
        || status.getConditions() == null) {
      return false;
    }
    for (Condition c : status.getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus()) && Objects.equals(generation, c.getObservedGeneration());
      }
    }
    return false;
  }

  private void seen(FeatureFlag flag) {
    long now = System.nanoTime();
    synchronized (ready) {
      if (isReady(flag)) {
        ready.add(flag.getMetadata().getName());
      } else {
        ready.remove(flag.getMetadata().getName());
      }
      if (ready.size() >= expected) {
        allReady.complete(now);
      }
      if (flag.getMetadata().getName().equals(watchedName) && isReady(flag)
          && flag.getMetadata().getGeneration() >= watchedGeneration) {
        watchedReady.complete(now);
      }
    }
  }

  /** From now on, completes when {@code name} is Ready at {@code generation} or later. */
  CompletableFuture<Long> watchFor(String name, long generation) {
    watchedReady = new CompletableFuture<>();
    watchedGeneration = generation;
    watchedName = name;
    return watchedReady;
  }

  int readyCount() {
    synchronized (ready) {
      return ready.size();
    }
  }

  /** System.nanoTime() when the informer first saw every expected flag Ready. */
  long awaitAllReady(long timeoutSeconds) throws Exception {
    try {
      return allReady.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("only " + readyCount() + " of " + expected + " flags Ready after "
          + timeoutSeconds + " s");
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
