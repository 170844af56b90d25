package dev.flagstaff.demo;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kubectl apply -f FILE} does for FeatureFlags, against any API server the client reaches: the
 * file's spec replaces the stored spec; metadata the server owns (resourceVersion, finalizers, status) is kept.
 * Documents of other kinds are skipped.
 */
final class Manifests {
  private Manifests() {}

  /** The FeatureFlags in a (possibly multi-document) YAML file. */
  static List<FeatureFlag> read(Path file) throws IOException {
    List<FeatureFlag> flags = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = Serialization.unmarshal(in);
      List<?> documents = parsed instanceof List ? (List<?>) parsed : List.of(parsed);
      for (Object document : documents) {
        if (document instanceof FeatureFlag) {
          flags.add((FeatureFlag) document);
        } else if (document instanceof GenericKubernetesResource
            && "FeatureFlag".equals(((HasMetadata) document).getKind())) {
          flags.add(Serialization.unmarshal(Serialization.asJson(document), FeatureFlag.class));
        }
      }
    }
    return flags;
  }

  /** Creates or updates each FeatureFlag in the file; returns them as stored. */
  static List<FeatureFlag> apply(KubernetesClient client, String namespace, Path file) throws IOException {
    List<FeatureFlag> applied = new ArrayList<>();
    for (FeatureFlag desired : read(file)) {
      applied.add(apply(client, namespace, desired));
    }
    return applied;
  }

  static FeatureFlag apply(KubernetesClient client, String namespace, FeatureFlag desired) {
    String name = desired.getMetadata().getName();
    for (int attempt = 0; ; attempt++) {
      FeatureFlag current = client.resources(FeatureFlag.class).inNamespace(namespace).withName(name).get();
      try {
        if (current == null) {
          desired.getMetadata().setNamespace(namespace);
          desired.getMetadata().setResourceVersion(null);
          return client.resources(FeatureFlag.class).inNamespace(namespace).resource(desired).create();
        }
        current.setSpec(desired.getSpec());
        if (desired.getMetadata().getLabels() != null) {
          current.getMetadata().setLabels(desired.getMetadata().getLabels());
        }
        if (desired.getMetadata().getAnnotations() != null) {
          current.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
        }
        return client.resources(FeatureFlag.class).inNamespace(namespace).resource(current).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < 5) {
          continue; // someone (the operator's finalizer, a status write) got there first: re-read and retry
        }
        throw e;
      }
    }
  }
}
