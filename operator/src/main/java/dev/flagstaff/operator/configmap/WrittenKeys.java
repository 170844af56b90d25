package dev.flagstaff.operator.configmap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the operator last wrote for each key of the flags ConfigMap, and for which FeatureFlag: the reference that
 * tells drift (someone changed or removed the value: {@code kubectl edit configmap}) from lag (the informer has not
 * yet delivered the operator's own write). A write is pending until the ConfigMap is seen at the resourceVersion the
 * write returned, or holding the value written; from then on, a value that differs is drift.
 */
public final class WrittenKeys {
  /** @param version the resourceVersion the write returned, or null when the value was found in place */
  private record Written(ResourceID flag, String value, String version, boolean seen) {}

  private final ConcurrentMap<String, ConcurrentMap<String, Written>> byNamespace = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Set<ResourceID>> waitingForSpace = new ConcurrentHashMap<>();

  /**
   * {@code flag} wrote {@code key = value}, which the ConfigMap holds from {@code version} on.
   *
   * @param cached the ConfigMap's resourceVersion and the key's value in the informer cache, read after this call
   *     records the write: the watch may have delivered the write already (the cache is updated before the mapper
   *     runs), and then no later event would mark it seen
   */
  void wrote(ResourceID flag, String namespace, String key, String value, String version,
      java.util.function.Supplier<Map.Entry<String, String>> cached) {
    ConcurrentMap<String, Written> keys = keys(namespace);
    Written unseen = new Written(flag, value, version, false);
    keys.put(key, unseen);
    waiting(namespace).remove(flag);
    Map.Entry<String, String> now = cached.get();
    if (now != null && (Objects.equals(version, now.getKey()) || value.equals(now.getValue()))) {
      keys.replace(key, unseen, new Written(flag, value, version, true));
    }
  }

  void wrote(ResourceID flag, String namespace, String key, String value, String version) {
    wrote(flag, namespace, key, value, version, () -> null);
  }

  /** The ConfigMap was seen holding {@code key = value}, as {@code flag} wants it. */
  void inPlace(ResourceID flag, String namespace, String key, String value) {
    Written before = keys(namespace).get(key);
    if (before == null || !before.seen() || !before.value().equals(value) || !before.flag().equals(flag)) {
      keys(namespace).put(key, new Written(flag, value, null, true));
    }
    waiting(namespace).remove(flag);
  }

  void removed(String namespace, String key) {
    keys(namespace).remove(key);
  }

  /** {@code flag} could not be written because the ConfigMap is full: look again at the next change of it. */
  void waitsForSpace(ResourceID flag, String namespace) {
    waiting(namespace).add(flag);
  }

  /** Whether a write of {@code value} to {@code key} is in flight: made, not yet seen in the cache. */
  boolean pending(String namespace, String key, String value) {
    Written written = keys(namespace).get(key);
    return written != null && !written.seen() && written.value().equals(value);
  }

  /**
   * Whether {@code key} holds, in {@code current}, another value than the one seen written: someone else changed it.
   */
  boolean drifted(String namespace, String key, String current) {
    Written written = keys(namespace).get(key);
    return written != null && written.seen() && !written.value().equals(current);
  }

  /**
   * A change of the ConfigMap, in the order the watch delivers them (null data: it was deleted): marks the operator's
   * own writes seen, and returns the FeatureFlags to look again — those whose key now holds another value than they
   * wrote, and those waiting for space. Costs one map look-up per key written; wakes no other flag.
   */
  Set<ResourceID> changed(String namespace, String version, Map<String, String> data) {
    Set<ResourceID> wake = new HashSet<>(waiting(namespace));
    ConcurrentMap<String, Written> keys = keys(namespace);
    for (Map.Entry<String, Written> e : keys.entrySet()) {
      Written w = e.getValue();
      String current = data == null ? null : data.get(e.getKey());
      if (!w.seen()) {
        if (Objects.equals(version, w.version()) || w.value().equals(current)) {
          keys.replace(e.getKey(), w, new Written(w.flag(), w.value(), w.version(), true));
          if (!w.value().equals(current)) {
            wake.add(w.flag());
          }
        }
      } else if (!w.value().equals(current)) {
        wake.add(w.flag());
      }
    }
    return wake;
  }

  Set<ResourceID> changed(ConfigMap configMap, boolean deleted) {
    return changed(configMap.getMetadata().getNamespace(), configMap.getMetadata().getResourceVersion(),
        deleted ? null : configMap.getData());
  }

  private ConcurrentMap<String, Written> keys(String namespace) {
    return byNamespace.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
  }

  private Set<ResourceID> waiting(String namespace) {
    return waitingForSpace.computeIfAbsent(namespace, n -> ConcurrentHashMap.newKeySet());
  }
}
