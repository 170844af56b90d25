package dev.flagstaff.chatops.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.chatops.command.Plan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The FeatureFlags of one namespace, as the plugin reads and writes them: found by key or name, changed with
 * server-side apply under a field manager ({@value #FIELD_MANAGER} for the plugin, {@code flagstaff-chatops} for the
 * Slack endpoint), touching only the named environments' entries (and, when given, the annotations the front end
 * records the change with).
 */
public final class ClusterFlags {
  static final String FIELD_MANAGER = "kubectl-flagstaff";
  private static final int MAX_ATTEMPTS = 5;

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final KubernetesClient client;
  private final String namespace;
  private final String fieldManager;

  ClusterFlags(KubernetesClient client, String namespace) {
    this(client, namespace, FIELD_MANAGER);
  }

  public ClusterFlags(KubernetesClient client, String namespace, String fieldManager) {
    this.client = client;
    this.namespace = namespace;
    this.fieldManager = fieldManager;
  }

  public String namespace() {
    return namespace;
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> flags() {
    return client.genericKubernetesResources(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION, "FeatureFlag");
  }

  /** Every FeatureFlag of the namespace, by name. */
  public List<ObjectNode> list() {
    return flags().inNamespace(namespace).list().getItems().stream()
        .map(r -> (ObjectNode) JSON.valueToTree(r))
        .sorted(Comparator.comparing(r -> r.path("metadata").path("name").asText()))
        .toList();
  }

  /** The FeatureFlag whose key (spec.key, else its name) or name is {@code flag}: ChatOps names flags by key. */
  public Optional<ObjectNode> find(String flag) {
    return list().stream()
        .filter(r -> flag.equals(r.path("metadata").path("name").asText()) || flag.equals(keyOf(r)))
        .findFirst();
  }

  public static String keyOf(JsonNode resource) {
    String key = resource.path("spec").path("key").asText("");
    return key.isEmpty() ? resource.path("metadata").path("name").asText() : key;
  }

  /** The resource as a manifest: what the offline admission check and the command model see. */
  public static ObjectNode manifest(ObjectNode resource) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.set("apiVersion", resource.get("apiVersion"));
    manifest.set("kind", resource.get("kind"));
    manifest.putObject("metadata").set("name", resource.path("metadata").get("name"));
    manifest.set("spec", resource.path("spec").deepCopy());
    return manifest;
  }

  /** What carrying out a command came to: the plan made against the resource as written, and the result. */
  public record Outcome(Plan plan, ObjectNode written) {}

  /**
   * Plans against the live resource and carries the change out. The named entries are applied server-side,
   * forcing conflicts (the command is the person's intent for them), together with the entries this field manager
   * applied before, at their live values: an apply is a manager's whole intent, so leaving those out would delete
   * them. The apply carries the resourceVersion it was planned from: if anything changed meanwhile (a concurrent
   * kubectl), the API server answers 409 and the plan is made again from the fresh object, as kubectl retries on
   * conflict, so no value is written from a stale read. A field another manager still owns that a named entry no
   * longer has, and an entry the command removes, go with a JSON patch that tests their value first.
   */
  public Outcome carryOut(String name, Function<ObjectNode, Plan> planner, Runnable beforeWrite) {
    return carryOut(name, planner, beforeWrite, Map.of());
  }

  /**
   * As {@link #carryOut(String, Function, Runnable)}, with {@code annotations} set in the same apply (who made the
   * change, for a front end that records it); a change that only removes entries is then an apply too.
   */
  public Outcome carryOut(String name, Function<ObjectNode, Plan> planner, Runnable beforeWrite,
      Map<String, String> annotations) {
    for (int attempt = 1; ; attempt++) {
      ObjectNode live = JSON.valueToTree(flags().inNamespace(namespace).withName(name).get());
      Plan plan = planner.apply(manifest(live));
      if (!(plan instanceof Plan.Change change) || change.isNoOp()) {
        return new Outcome(plan, live);
      }
      beforeWrite.run();
      try {
        return new Outcome(plan, write(change, live, annotations));
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private ObjectNode write(Plan.Change change, ObjectNode live, Map<String, String> annotations) {
    Resource<GenericKubernetesResource> resource = flags().inNamespace(namespace).withName(change.name());
    if (change.deleteResource()) {
      resource.delete();
      return null;
    }
    JsonNode liveEnvironments = live.path("spec").path("environments");
    String resourceVersion = live.path("metadata").path("resourceVersion").asText();
    if (!change.entries().isEmpty() || !annotations.isEmpty()) {
      ObjectNode environments = JSON.createObjectNode();
      for (String owned : appliedEntries(live)) {
        if (liveEnvironments.has(owned) && !change.removed().contains(owned)) {
          environments.set(owned, liveEnvironments.get(owned));
        }
      }
      change.entries().forEach(environments::set);
      GenericKubernetesResource apply = new GenericKubernetesResource();
      apply.setApiVersion(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION);
      apply.setKind("FeatureFlag");
      apply.setMetadata(new ObjectMetaBuilder().withName(change.name()).withNamespace(namespace)
          .withResourceVersion(resourceVersion).withAnnotations(annotations.isEmpty() ? null : annotations).build());
      if (!environments.isEmpty()) {
        ObjectNode spec = JSON.createObjectNode();
        spec.set("environments", environments);
        apply.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
      }
      live = JSON.valueToTree(flags().inNamespace(namespace).resource(apply).fieldManager(fieldManager)
          .forceConflicts().serverSideApply());
      liveEnvironments = live.path("spec").path("environments");
    }
    ArrayNode patch = JSON.createArrayNode();
    JsonNode environments = liveEnvironments;
    change.entries().forEach((environment, entry) -> environments.path(environment).fields().forEachRemaining(f -> {
      if (!entry.has(f.getKey())) {
        remove(patch, "/spec/environments/" + environment + "/" + f.getKey(), f.getValue());
      }
    }));
    for (String environment : change.removed()) {
      if (environments.has(environment)) {
        remove(patch, "/spec/environments/" + environment, environments.get(environment));
      }
    }
    if (patch.isEmpty()) {
      return live;
    }
    PatchContext context = new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(fieldManager).build();
    return JSON.valueToTree(resource.patch(context, patch.toString()));
  }

  private static void remove(ArrayNode patch, String path, JsonNode value) {
    patch.addObject().put("op", "test").put("path", path).set("value", value);
    patch.addObject().put("op", "remove").put("path", path);
  }

  /** The environments whose entries this field manager has applied (its managedFields of operation Apply). */
  Set<String> appliedEntries(JsonNode live) {
    Set<String> entries = new LinkedHashSet<>();
    for (JsonNode managed : live.path("metadata").path("managedFields")) {
      if (fieldManager.equals(managed.path("manager").asText()) && "Apply".equals(managed.path("operation").asText())) {
        managed.path("fieldsV1").path("f:spec").path("f:environments").fieldNames().forEachRemaining(f -> {
          if (f.startsWith("f:")) {
            entries.add(f.substring(2));
          }
        });
      }
    }
    return entries;
  }
}
