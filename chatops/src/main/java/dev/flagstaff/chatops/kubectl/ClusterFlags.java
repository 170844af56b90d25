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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The FeatureFlags of one namespace, as the plugin reads and writes them: found by key or name, changed with
 * server-side apply under field manager {@value #FIELD_MANAGER}, touching only the named environments' entries.
 */
final class ClusterFlags {
  static final String FIELD_MANAGER = "kubectl-flagstaff";

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final KubernetesClient client;
  private final String namespace;

  ClusterFlags(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> flags() {
    return client.genericKubernetesResources(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION, "FeatureFlag");
  }

  /** Every FeatureFlag of the namespace, by name. */
  List<ObjectNode> list() {
    return flags().inNamespace(namespace).list().getItems().stream()
        .map(r -> (ObjectNode) JSON.valueToTree(r))
        .sorted(Comparator.comparing(r -> r.path("metadata").path("name").asText()))
        .toList();
  }

  /** The FeatureFlag whose key (spec.key, else its name) or name is {@code flag}: ChatOps names flags by key. */
  Optional<ObjectNode> find(String flag) {
    return list().stream()
        .filter(r -> flag.equals(r.path("metadata").path("name").asText()) || flag.equals(keyOf(r)))
        .findFirst();
  }

  static String keyOf(JsonNode resource) {
    String key = resource.path("spec").path("key").asText("");
    return key.isEmpty() ? resource.path("metadata").path("name").asText() : key;
  }

  /** The resource as a manifest: what the offline admission check and the command model see. */
  static ObjectNode manifest(ObjectNode resource) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.set("apiVersion", resource.get("apiVersion"));
    manifest.set("kind", resource.get("kind"));
    manifest.putObject("metadata").set("name", resource.path("metadata").get("name"));
    manifest.set("spec", resource.path("spec").deepCopy());
    return manifest;
  }

  /**
   * Carries out a change. The named entries are applied (server-side, forcing conflicts: the command is the
   * person's intent for those entries); a field another manager still owns that the entry no longer has, and an
   * entry the command removes, go with a JSON patch that first tests their value, so nothing else is touched.
   */
  ObjectNode write(Plan.Change change) {
    Resource<GenericKubernetesResource> resource = flags().inNamespace(namespace).withName(change.name());
    if (change.deleteResource()) {
      resource.delete();
      return null;
    }
    JsonNode live = null;
    if (!change.entries().isEmpty()) {
      GenericKubernetesResource apply = new GenericKubernetesResource();
      apply.setApiVersion(FeatureFlag.GROUP + "/" + FeatureFlag.VERSION);
      apply.setKind("FeatureFlag");
      apply.setMetadata(new ObjectMetaBuilder().withName(change.name()).withNamespace(namespace).build());
      ObjectNode spec = JSON.createObjectNode();
      ObjectNode environments = spec.putObject("environments");
      change.entries().forEach(environments::set);
      apply.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
      live = JSON.valueToTree(flags().inNamespace(namespace).resource(apply).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
    } else {
      live = JSON.valueToTree(resource.get());
    }
    ArrayNode patch = JSON.createArrayNode();
    JsonNode liveEnvironments = live.path("spec").path("environments");
    change.entries().forEach((environment, entry) -> liveEnvironments.path(environment).fields().forEachRemaining(f -> {
      if (!entry.has(f.getKey())) {
        String path = "/spec/environments/" + environment + "/" + f.getKey();
        patch.addObject().put("op", "test").put("path", path).set("value", f.getValue());
        patch.addObject().put("op", "remove").put("path", path);
      }
    }));
    for (String environment : change.removed()) {
      if (liveEnvironments.has(environment)) {
        String path = "/spec/environments/" + environment;
        patch.addObject().put("op", "test").put("path", path).set("value", liveEnvironments.get(environment));
        patch.addObject().put("op", "remove").put("path", path);
      }
    }
    if (patch.isEmpty()) {
      return (ObjectNode) live;
    }
    PatchContext context = new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(FIELD_MANAGER).build();
    return JSON.valueToTree(resource.patch(context, patch.toString()));
  }
}
