package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.off;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.FeatureFlag;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Changes made while the operator is down are applied when it comes back; nothing is lost or left behind. */
class OperatorRestartTest {
  private final OperatorHarness k8s = new OperatorHarness();

  @AfterEach
  void stop() {
    k8s.close();
  }

  @Test
  void changesMadeWhileTheOperatorIsDownConvergeWhenItRestarts() {
    k8s.startOperator();
    k8s.create(flag("kept", "kept", Map.of("production", on())));
    k8s.create(flag("changed", "changed", Map.of("production", on())));
    k8s.create(flag("deleted", "deleted", Map.of("production", on())));
    await().until(() -> k8s.liveData(NAMESPACE).keySet().containsAll(java.util.List.of("kept", "changed", "deleted")));
    await().until(() -> k8s.get(NAMESPACE, "deleted").getStatus() != null
        && k8s.get(NAMESPACE, "changed").getStatus() != null);
    long patchesBefore = (long) k8s.metric("flagstaff_configmap_patches_total");

    k8s.stopOperator();
    k8s.edit(NAMESPACE, "changed", f -> {
      f.getSpec().getEnvironments().put("production", off());
      return f;
    });
    k8s.delete(NAMESPACE, "deleted");
    k8s.create(flag("added", "added", Map.of("production", on())));
    // The finalizer holds the deleted resource until its key is gone.
    assertThat(k8s.get(NAMESPACE, "deleted").getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(k8s.data(NAMESPACE)).containsEntry("changed", "{\"enabled\":true,\"generation\":1}");

    k8s.startOperator();

    await().until(() -> "{\"enabled\":false,\"generation\":2}".equals(k8s.data(NAMESPACE).get("changed")));
    await().until(() -> k8s.get(NAMESPACE, "deleted") == null);
    await().until(() -> k8s.liveData(NAMESPACE).containsKey("added"));
    assertThat(k8s.liveData(NAMESPACE)).doesNotContainKey("deleted")
        .containsEntry("kept", "{\"enabled\":true,\"generation\":1}");
    await().until(() -> {
      FeatureFlag changed = k8s.get(NAMESPACE, "changed");
      return changed.getStatus().getObservedGeneration() == 2L && "Disabled".equals(changed.getStatus().getState());
    });
    // the metric counts API writes of the ConfigMap, each of which may carry several keys
    assertThat(patchesBefore).isPositive();
  }

  @Test
  void aRestartWithNothingChangedWritesNothing() {
    k8s.startOperator();
    k8s.create(flag("steady", "steady", Map.of("production", on())));
    await().until(() -> k8s.get(NAMESPACE, "steady").getStatus() != null);
    String configMapVersion = k8s.client.configMaps().inNamespace(NAMESPACE).withName(OperatorHarness.CONFIGMAP).get()
        .getMetadata().getResourceVersion();
    String flagVersion = k8s.get(NAMESPACE, "steady").getMetadata().getResourceVersion();

    k8s.stopOperator();
    k8s.startOperator();

    await().until(() -> k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}") >= 1);
    assertThat(k8s.metric("flagstaff_configmap_patches_total")).isZero();
    assertThat(k8s.client.configMaps().inNamespace(NAMESPACE).withName(OperatorHarness.CONFIGMAP).get()
        .getMetadata().getResourceVersion()).isEqualTo(configMapVersion);
    assertThat(k8s.get(NAMESPACE, "steady").getMetadata().getResourceVersion()).isEqualTo(flagVersion);
  }
}
