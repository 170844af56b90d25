package dev.flagstaff.operator.configmap;

import dev.flagstaff.operator.configmap.GroupCommit.Change;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.AbstractMap.SimpleEntry;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the flags ConfigMap. Each call changes one key and nothing else: a JSON merge patch
 * {@code {"data":{key:value}}} sets it (the ConfigMap is created when missing), a JSON Patch {@code remove} deletes
 * it. While a write of a namespace's ConfigMap is in flight, the calls that arrive wait and the next patch carries
 * all their keys ({@link GroupCommit}, {@link KeyBatchWriter}); each call still learns its own outcome. Reads come
 * from the informer cache, so a reconcile that changes nothing makes no API call.
 */
public final class ConfigMapKeyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapKeyWriter.class);

  private final String name;
  private final Function<String, Optional<ConfigMap>> cache;
  private final WrittenKeys written;
  private final GroupCommit commits;

  /**
   * @param cache the ConfigMap called {@code name} in a namespace, as the informer last saw it
   * @param onWrite called once per API write of the ConfigMap (however many keys it carried)
   */
  public ConfigMapKeyWriter(KubernetesClient client, String name, Function<String, Optional<ConfigMap>> cache,
      Runnable onWrite, WrittenKeys written) {
    this.name = name;
    this.cache = cache;
    this.written = written;
    this.commits = new GroupCommit(new KeyBatchWriter(client, name, cache, onWrite, written));
  }

  public Optional<String> currentValue(String namespace, String key) {
    return cache.apply(namespace).map(ConfigMap::getData).map(data -> data.get(key));
  }

  /** Bytes used by the ConfigMap's data and binaryData, counted as the API server does (keys plus values). */
  public long bytesUsed(String namespace) {
    return cache.apply(namespace).map(ConfigMapSize::of).orElse(0L);
  }

  /**
   * Sets {@code key} to {@code value} for {@code flag}, unless the cache shows it already holds it, and tells which
   * version of the ConfigMap holds the value: what consumers must have read to serve it.
   *
   * @return the ConfigMap's resourceVersion returned by the write, or {@code null} when the cache showed the key
   *     already holding {@code value} and nothing was written
   * @throws ConfigMapFullException when the write would take the ConfigMap over 1 MiB (nothing is written for this
   *     key, whatever becomes of the others written with it), or the API server refuses it for size
   */
  public String write(ResourceID flag, String namespace, String key, String value) {
    if (currentValue(namespace, key).filter(value::equals).isPresent()) {
      written.inPlace(flag, namespace, key, value);
      return null;
    }
    String version = commits.commit(namespace, new Change(key, value, flag)).version();
    written.wrote(flag, namespace, key, value, version, () -> cache.apply(namespace)
        .map(cm -> new SimpleEntry<>(cm.getMetadata().getResourceVersion(),
            cm.getData() == null ? null : cm.getData().get(key)))
        .orElse(null));
    return version;
  }

  /**
   * Removes {@code key}; a key or ConfigMap already absent counts as done.
   *
   * @return whether the key was removed by this call
   */
  public boolean remove(String namespace, String key) {
    written.removed(namespace, key);
    boolean removed = commits.commit(namespace, new Change(key, null, null)).changed();
    if (removed) {
      LOG.info("removed key {} from ConfigMap {}/{}", key, namespace, name);
    }
    return removed;
  }

  /**
   * Whether {@code key} holds, in the cache, another value than the operator saw written there: someone changed or
   * removed it (a write of the operator's own that the cache has not yet shown is not drift).
   */
  public boolean drifted(String namespace, String key) {
    return written.drifted(namespace, key, currentValue(namespace, key).orElse(null));
  }

  /** The resourceVersion of the ConfigMap as the cache last saw it, or {@code null} when it has not seen one. */
  public String cachedVersion(String namespace) {
    return cache.apply(namespace).map(cm -> cm.getMetadata().getResourceVersion()).orElse(null);
  }

  /** The API server refused a write because the ConfigMap would be too large. */
  public static final class ConfigMapFullException extends RuntimeException {
    public ConfigMapFullException(String message) {
      super(message);
    }
  }
}
