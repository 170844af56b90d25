package dev.flagstaff.operator.configmap;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the flags ConfigMap. Each call touches one key and nothing else: a JSON merge patch
 * {@code {"data":{key:value}}} to set it (the ConfigMap is created when missing), a JSON Patch {@code remove} to
 * delete it. Reads come from the informer cache, so a reconcile that changes nothing makes no API call.
 */
public final class ConfigMapKeyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapKeyWriter.class);
  private static final int UNPROCESSABLE = 422;
  /** Within this many bytes of the limit, the capacity check reads the ConfigMap instead of trusting the cache. */
  private static final long NEAR_LIMIT = 64 * 1024;

  private final KubernetesClient client;
  private final String name;
  private final Function<String, Optional<ConfigMap>> cache;
  private final Runnable onWrite;
  private final WrittenKeys written;

  /** @param cache the ConfigMap called {@code name} in a namespace, as the informer last saw it */
  public ConfigMapKeyWriter(KubernetesClient client, String name, Function<String, Optional<ConfigMap>> cache,
      Runnable onWrite, WrittenKeys written) {
    this.written = written;
    this.client = client;
    this.name = name;
    this.cache = cache;
    this.onWrite = onWrite;
  }

  public Optional<String> currentValue(String namespace, String key) {
    return cache.apply(namespace).map(ConfigMap::getData).map(data -> data.get(key));
  }

  /** Bytes used by the ConfigMap's data and binaryData, counted as the API server does (keys plus values). */
  public long bytesUsed(String namespace) {
    return cache.apply(namespace).map(ConfigMapSize::of).orElse(0L);
  }

  /** Why {@code key = value} would take the ConfigMap over its limit, or empty when it fits. */
  private Optional<String> capacityProblem(String namespace, String key, String value) {
    Optional<ConfigMap> current = cache.apply(namespace);
    if (sizeAfter(current, key, value) <= ConfigMapSize.LIMIT - NEAR_LIMIT) {
      return Optional.empty();
    }
    // Near the limit the cache may lag behind other writes: look at the ConfigMap itself.
    current = Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
    if (sizeAfter(current, key, value) <= ConfigMapSize.LIMIT) {
      return Optional.empty();
    }
    long used = current.map(ConfigMapSize::of).orElse(0L);
    return Optional.of("ConfigMap " + name + " holds " + used + " of " + ConfigMapSize.LIMIT
        + " bytes; writing key '" + key + "' (" + ConfigMapSize.entry(key, value)
        + " bytes) would take it over the 1 MiB limit. Remove unused flags, or spread them over namespaces.");
  }

  private static long sizeAfter(Optional<ConfigMap> current, String key, String value) {
    long used = current.map(ConfigMapSize::of).orElse(0L);
    return used - current.map(cm -> ConfigMapSize.entry(cm, key)).orElse(0L) + ConfigMapSize.entry(key, value);
  }

  /**
   * Sets {@code key} to {@code value} for {@code flag}, unless the cache shows it already holds it, and tells which
   * version of the ConfigMap holds the value: what consumers must have read to serve it.
   *
   * @return the ConfigMap's resourceVersion returned by the write, or {@code null} when the cache showed the key
   *     already holding {@code value} and nothing was written
   * @throws ConfigMapFullException when the write would take the ConfigMap over 1 MiB (nothing is written), or the
   *     API server refuses it for size
   */
  public String write(ResourceID flag, String namespace, String key, String value) {
    if (currentValue(namespace, key).filter(value::equals).isPresent()) {
      written.inPlace(flag, namespace, key, value);
      return null;
    }
    Optional<String> full = capacityProblem(namespace, key, value);
    if (full.isPresent()) {
      written.waitsForSpace(flag, namespace);
      throw new ConfigMapFullException(full.get());
    }
    try {
      String version = null;
      if (cache.apply(namespace).isEmpty()) {
        version = create(namespace, key, value);
      }
      if (version == null) {
        version = mergePatch(namespace, key, value);
      }
      written.wrote(flag, namespace, key, value, version, () -> cache.apply(namespace)
          .map(cm -> new java.util.AbstractMap.SimpleEntry<>(cm.getMetadata().getResourceVersion(),
              cm.getData() == null ? null : cm.getData().get(key)))
          .orElse(null));
      return version;
    } catch (KubernetesClientException e) {
      if (e.getCode() == UNPROCESSABLE && isTooLong(e)) {
        written.waitsForSpace(flag, namespace);
        throw new ConfigMapFullException("the API server refused key '" + key + "': ConfigMap " + name
            + " would exceed its size limit");
      }
      throw e;
    }
  }

  /**
   * Removes {@code key}; a key or ConfigMap already absent counts as done.
   *
   * @return whether the key was removed by this call
   */
  public boolean remove(String namespace, String key) {
    written.removed(namespace, key);
    String pointer = "/data/" + key.replace("~", "~0").replace("/", "~1");
    String patch = "[{\"op\":\"remove\",\"path\":" + JsonNodeFactory.instance.textNode(pointer) + "}]";
    try {
      client.configMaps().inNamespace(namespace).resource(named(namespace)).patch(PatchContext.of(PatchType.JSON), patch);
      onWrite.run();
      LOG.info("removed key {} from ConfigMap {}/{}", key, namespace, name);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      // A real API server refuses to remove a path that is not there; look before deciding it failed.
      ConfigMap fresh = client.configMaps().inNamespace(namespace).withName(name).get();
      if (fresh == null || fresh.getData() == null || !fresh.getData().containsKey(key)) {
        return false;
      }
      throw e;
    }
  }

  /** @return the created ConfigMap's resourceVersion, or {@code null} when it exists already */
  private String create(String namespace, String key, String value) {
    ConfigMap configMap = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "flagstaff-operator")
        .endMetadata()
        .withData(Map.of(key, value))
        .build();
    try {
      ConfigMap created = client.configMaps().inNamespace(namespace).resource(configMap).create();
      onWrite.run();
      LOG.info("created ConfigMap {}/{} with key {}", namespace, name, key);
      return created.getMetadata().getResourceVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return null; // created meanwhile by another reconcile: patch it instead
      }
      throw e;
    }
  }

  /** @return the patched ConfigMap's resourceVersion */
  private String mergePatch(String namespace, String key, String value) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("data").put(key, value);
    ConfigMap patched;
    try {
      patched = client.configMaps().inNamespace(namespace).resource(named(namespace))
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      // deleted since the cache saw it
      String created = create(namespace, key, value);
      if (created == null) {
        throw e;
      }
      return created;
    }
    onWrite.run();
    LOG.debug("set key {} in ConfigMap {}/{}", key, namespace, name);
    return patched.getMetadata().getResourceVersion();
  }

  /**
   * The ConfigMap by name only: patching through {@code resource(named(..))} sends the patch alone, where
   * {@code withName(name).patch(context, String)} first GETs the whole ConfigMap (up to 1 MiB) on every write
   * (benchmarks/results/P4.md).
   */
  private ConfigMap named(String namespace) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
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

  private static boolean isTooLong(KubernetesClientException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("Too long") || message.contains("must have at most");
  }

  /** The API server refused a write because the ConfigMap would be too large. */
  public static final class ConfigMapFullException extends RuntimeException {
    public ConfigMapFullException(String message) {
      super(message);
    }
  }
}
