package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * JOSDK's copy of a resource (through JSON), except that a FeatureFlag whose spec could not be read keeps that spec:
 * its JSON form is empty, and a copy read back from it would look like a valid flag with no environments.
 */
final class UnreadableSpecCloner implements Cloner {
  private final KubernetesClient client;

  UnreadableSpecCloner(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    R copy = client.getKubernetesSerialization().clone(object);
    if (object instanceof FeatureFlag flag && flag.getSpec() != null && flag.getSpec().unreadable() != null) {
      ((FeatureFlag) copy).setSpec(flag.getSpec());
    }
    return copy;
  }
}
