package dev.flagstaff.operator.configmap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.operator.configmap.ConfigMapKeyWriter.ConfigMapFullException;
import dev.flagstaff.operator.configmap.GroupCommit.Change;
import dev.flagstaff.operator.configmap.GroupCommit.Outcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of key changes to one namespace's flags ConfigMap: the keys set in one JSON merge patch of
 * {@code data} (or a create when the ConfigMap is missing), the keys removed in one JSON Patch. Before writing, each
 * change is admitted in order against the 1 MiB limit; one that would take the ConfigMap over it is refused alone
 * (its flag waits for space) and the batch goes out without it, so a batch never exceeds the limit.
 */
final class KeyBatchWriter implements GroupCommit.BatchWriter {
  private static final Logger LOG = LoggerFactory.getLogger(KeyBatchWriter.class);
  private static final int UNPROCESSABLE = 422;
  /** Within this many bytes of the limit, admission reads the ConfigMap instead of trusting the cache. */
  private static final long NEAR_LIMIT = 64 * 1024;
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String JSON_PATCH = "application/json-patch+json";
  /** What a patch asks back: the ConfigMap's metadata, not its data. */
  private static final String METADATA_ONLY = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

  private final KubernetesClient client;
  private final String name;
  private final Function<String, Optional<ConfigMap>> cache;
  private final Runnable onWrite;
  private final WrittenKeys written;

  KeyBatchWriter(KubernetesClient client, String name, Function<String, Optional<ConfigMap>> cache, Runnable onWrite,
      WrittenKeys written) {
    this.client = client;
    this.name = name;
    this.cache = cache;
    this.onWrite = onWrite;
    this.written = written;
  }

  @Override
  public List<Outcome> write(String namespace, List<Change> changes) {
    Optional<ConfigMap> base = cache.apply(namespace);
    List<Outcome> refused = admit(base, changes, ConfigMapSize.LIMIT - NEAR_LIMIT);
    if (refused.stream().anyMatch(o -> o != null)) {
      // Near the limit the cache may lag behind other writes: look at the ConfigMap itself.
      base = fresh(namespace);
      refused = admit(base, changes, ConfigMapSize.LIMIT);
    }
    for (boolean retried = false; ; retried = true) {
      try {
        return send(namespace, base, changes, refused);
      } catch (KubernetesClientException e) {
        if (!isTooLong(e)) {
          throw e;
        }
        if (retried) {
          List<Outcome> outcomes = new ArrayList<>();
          for (Change c : changes) {
            outcomes.add(Outcome.failed(c.value() == null ? e : full(namespace, c,
                "the API server refused key '" + c.key() + "': ConfigMap " + name + " would exceed its size limit")));
          }
          return outcomes;
        }
      }
      // Someone else filled the ConfigMap meanwhile: admit again against what it holds now, once.
      base = fresh(namespace);
      refused = admit(base, changes, ConfigMapSize.LIMIT);
    }
  }

  /** Per change, in order: null when it fits under {@code ceiling} after the ones before it, else its refusal. */
  private List<Outcome> admit(Optional<ConfigMap> base, List<Change> changes, long ceiling) {
    long used = base.map(ConfigMapSize::of).orElse(0L);
    List<Outcome> refused = new ArrayList<>();
    for (Change c : changes) {
      long before = base.map(cm -> ConfigMapSize.entry(cm, c.key())).orElse(0L);
      long after = used - before + (c.value() == null ? 0 : ConfigMapSize.entry(c.key(), c.value()));
      if (c.value() == null || after <= ceiling) {
        used = after;
        refused.add(null);
      } else {
        refused.add(Outcome.failed(new ConfigMapFullException("ConfigMap " + name + " holds " + used + " of "
            + ConfigMapSize.LIMIT + " bytes; writing key '" + c.key() + "' (" + ConfigMapSize.entry(c.key(), c.value())
            + " bytes) would take it over the 1 MiB limit. Remove unused flags, or spread them over namespaces.")));
      }
    }
    return refused;
  }

  /** Writes the admitted changes in one request; the refused keep their refusal (and their flags wait for space). */
  private List<Outcome> send(String namespace, Optional<ConfigMap> base, List<Change> changes,
      List<Outcome> refused) {
    Map<String, String> sets = new LinkedHashMap<>();
    Map<String, String> patch = new LinkedHashMap<>();
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      if (refused.get(i) != null) {
        written.waitsForSpace(c.flag(), namespace);
      } else {
        patch.put(c.key(), c.value());
        if (c.value() != null) {
          sets.put(c.key(), c.value());
        }
      }
    }
    List<String> removals = patch.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey)
        .toList();
    String version = null;
    if (base.isEmpty() && !sets.isEmpty()) {
      version = create(namespace, sets);
    }
    if (version == null && !sets.isEmpty()) {
      version = mergePatch(namespace, base, sets);
    }
    Removed removed = removals.isEmpty() ? new Removed(null, List.of()) : removeAll(namespace, removals);
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      if (refused.get(i) != null) {
        outcomes.add(refused.get(i));
      } else if (c.value() != null) {
        outcomes.add(Outcome.written(version, true));
      } else {
        outcomes.add(Outcome.written(removed.version(), removed.keys().contains(c.key())));
      }
    }
    return outcomes;
  }

  /** What a removal wrote: the resourceVersion after it (null when nothing was there), the keys it removed. */
  private record Removed(String version, List<String> keys) {}

  /**
   * Removes {@code keys} in one JSON Patch. A real API server refuses to remove a path that is not there (and a
   * merge patch's null is kept as a value by the mock API server), so a refusal is followed by a look at the
   * ConfigMap and one more try with the keys it still holds.
   */
  private Removed removeAll(String namespace, List<String> keys) {
    try {
      return new Removed(jsonPatchRemove(namespace, keys), keys);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return new Removed(null, List.of());
      }
      Optional<ConfigMap> now = fresh(namespace);
      List<String> present = keys.stream()
          .filter(key -> now.map(ConfigMap::getData).map(data -> data.containsKey(key)).orElse(false)).toList();
      if (present.size() == keys.size()) {
        throw e;
      }
      if (present.isEmpty()) {
        return new Removed(now.map(cm -> cm.getMetadata().getResourceVersion()).orElse(null), List.of());
      }
      return new Removed(jsonPatchRemove(namespace, present), present);
    }
  }

  private String jsonPatchRemove(String namespace, List<String> keys) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    for (String key : keys) {
      patch.addObject().put("op", "remove").put("path", "/data/" + key.replace("~", "~0").replace("/", "~1"));
    }
    String version = patch(namespace, JSON_PATCH, patch.toString());
    onWrite.run();
    return version;
  }

  /** @return the created ConfigMap's resourceVersion, or {@code null} when it exists already */
  private String create(String namespace, Map<String, String> data) {
    ConfigMap configMap = new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "flagstaff-operator")
        .endMetadata()
        .withData(data)
        .build();
    try {
      ConfigMap created = client.configMaps().inNamespace(namespace).resource(configMap).create();
      onWrite.run();
      LOG.info("created ConfigMap {}/{} with keys {}", namespace, name, data.keySet());
      return created.getMetadata().getResourceVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return null; // created meanwhile by someone else: patch it instead
      }
      throw e;
    }
  }

  /**
   * One merge patch setting {@code sets}; returns the patched ConfigMap's resourceVersion. The ConfigMap is kept
   * without {@code managedFields}: the API server's field manager would otherwise list every key the operator ever
   * wrote in them, sent back whole with each write and each watch event (at 10,000 flags a third of every
   * ConfigMap event, and toward etcd's 1.5 MiB object limit besides the data's 1 MiB). A single empty entry clears
   * them; the API server then tracks none for later merge patches, so only a ConfigMap that has some (just created,
   * or applied by someone) gets the clearing entry.
   */
  private String mergePatch(String namespace, Optional<ConfigMap> base, Map<String, String> sets) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (base.map(cm -> cm.getMetadata().getManagedFields()).filter(fields -> !fields.isEmpty()).isPresent()) {
      body.putObject("metadata").putArray("managedFields").addObject();
    }
    ObjectNode data = body.putObject("data");
    sets.forEach(data::put);
    String version;
    try {
      version = patch(namespace, MERGE_PATCH, body.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      String created = create(namespace, sets); // deleted since the cache saw it
      if (created == null) {
        throw e;
      }
      return created;
    }
    onWrite.run();
    LOG.debug("wrote {} keys to ConfigMap {}/{}", sets.size(), namespace, name);
    return version;
  }

  /**
   * Sends one patch of the ConfigMap and returns the resourceVersion it made. The answer is asked for as metadata
   * only ({@code as=PartialObjectMetadata}): otherwise the API server sends the whole ConfigMap back with every
   * write (up to 1 MiB, encoded by the server, decrypted and parsed here) for this one field. A server that does not
   * offer it (the mock API server) answers with the whole ConfigMap, and the version is read from that.
   *
   * @throws KubernetesClientException as Fabric8's own patch throws it: the API server's refusal (code and
   *     {@code Status}), or the failure to reach it after the client's retries
   */
  private String patch(String namespace, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    HttpRequest.Builder request = http.newHttpRequestBuilder()
        .uri(URLUtils.join(client.getMasterUrl().toString(), "api/v1/namespaces", namespace, "configmaps", name))
        .header("Accept", METADATA_ONLY)
        .method("PATCH", contentType, body);
    int timeout = client.getConfiguration().getRequestTimeout();
    if (timeout > 0) {
      request.timeout(timeout, TimeUnit.MILLISECONDS);
    }
    HttpResponse<String> answer;
    try {
      answer = http.sendAsync(request.build(), String.class).get();
    } catch (ExecutionException e) {
      throw KubernetesClientException.launderThrowable(e.getCause());
    } catch (InterruptedException e) {
      throw KubernetesClientException.launderThrowable(e);
    }
    KubernetesSerialization json = client.getKubernetesSerialization();
    if (!answer.isSuccessful()) {
      throw new KubernetesClientException(refusal(json, answer.code(), answer.body()));
    }
    GenericKubernetesResource written = json.unmarshal(answer.body(), GenericKubernetesResource.class);
    return written.getMetadata().getResourceVersion();
  }

  /** The API server's {@code Status} for a refused request, or one made from its code when the body is none. */
  private static Status refusal(KubernetesSerialization json, int code, String body) {
    try {
      Status status = json.unmarshal(body, Status.class);
      if (status != null && status.getCode() != null) {
        return status;
      }
    } catch (RuntimeException notAStatus) {
      // below
    }
    return new StatusBuilder().withCode(code).withMessage("HTTP " + code).build();
  }

  private ConfigMapFullException full(String namespace, Change c, String message) {
    written.waitsForSpace(c.flag(), namespace);
    return new ConfigMapFullException(message);
  }

  private Optional<ConfigMap> fresh(String namespace) {
    return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
  }

  private static boolean isTooLong(KubernetesClientException e) {
    String message = String.valueOf(e.getMessage());
    return e.getCode() == UNPROCESSABLE && (message.contains("Too long") || message.contains("must have at most"));
  }
}
