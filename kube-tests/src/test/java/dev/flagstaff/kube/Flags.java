package dev.flagstaff.kube;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** FeatureFlags written and read the way a user does (server-side apply, as {@code kubectl apply --server-side}). */
final class Flags {
  static final String CONFIGMAP = "feature-flags";

  private final KubernetesClient client;
  private final String namespace;

  Flags(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** {@code kubectl apply --server-side}: the manifest's fields are ours, nothing else is touched. */
  FeatureFlag apply(FeatureFlag flag) {
    flag.getMetadata().setNamespace(namespace);
    return client.resources(FeatureFlag.class).inNamespace(namespace).resource(flag)
        .fieldManager("kubectl").forceConflicts().serverSideApply();
  }

  void delete(String name) {
    client.resources(FeatureFlag.class).inNamespace(namespace).withName(name).delete();
  }

  FeatureFlag get(String name) {
    return client.resources(FeatureFlag.class).inNamespace(namespace).withName(name).get();
  }

  Map<String, String> data() {
    ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(CONFIGMAP).get();
    return configMap == null || configMap.getData() == null ? Map.of() : configMap.getData();
  }

  Optional<Condition> condition(String name, String type) {
    FeatureFlag flag = get(name);
    if (flag == null || flag.getStatus() == null || flag.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return flag.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  boolean is(String name, String type, String status) {
    return condition(name, type).map(c -> status.equals(c.getStatus())).orElse(false);
  }

  /** {@code Type Reason message} of the Events on the flag with this reason. */
  List<String> events(String name, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .map((Event e) -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .toList();
  }
}
