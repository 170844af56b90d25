package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.CONFIGMAP;
import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.flags.FlagCodec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A ConfigMap near its 1 MiB limit: the flag that does not fit is Stalled and said so; nothing else moves. */
class CapacityTest {
  private static final String ENABLED = "{\"enabled\":true,\"generation\":1}"; // 31 bytes
  private final OperatorHarness k8s = new OperatorHarness();

  @AfterEach
  void stop() {
    k8s.close();
  }

  @Test
  void aFlagThatWouldOverfillTheConfigMapIsStalledAndTheOthersAreUntouched() {
    int free = 60;
    String ballast = "x".repeat(FlagCodec.CONFIGMAP_LIMIT_BYTES - free - "ballast".length());
    k8s.client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(CONFIGMAP).endMetadata()
        .withData(Map.of("ballast", ballast))
        .build()).create();
    k8s.startOperator();

    k8s.create(flag("fits", "fits", Map.of("production", on())));                   // 4 + 31 bytes: fits
    await().until(() -> ENABLED.equals(k8s.data(NAMESPACE).get("fits")));
    k8s.create(flag("too-big", "this_key_does_not_fit", Map.of("production", on()))); // 21 + 31 > 25 left

    await().until(() -> k8s.condition(NAMESPACE, "too-big", "Stalled")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    Condition stalled = k8s.condition(NAMESPACE, "too-big", "Stalled").get();
    assertThat(stalled.getReason()).isEqualTo("ConfigMapFull");
    assertThat(stalled.getMessage()).contains("1 MiB").contains("this_key_does_not_fit");
    assertThat(k8s.condition(NAMESPACE, "too-big", "Ready").get().getStatus()).isEqualTo("False");
    await().until(() -> k8s.eventLines(NAMESPACE, "too-big", "ConfigMapFull").size() == 1);
    assertThat(k8s.eventLines(NAMESPACE, "too-big", "ConfigMapFull").get(0)).startsWith("Warning ConfigMapFull");
    Map<String, String> data = k8s.data(NAMESPACE);
    assertThat(data).doesNotContainKey("this_key_does_not_fit").containsEntry("fits", ENABLED);
    assertThat(data.get("ballast")).isEqualTo(ballast);
    await().until(() -> k8s.metric("flagstaff_flags{state=\"stalled\"}") == 1);
    assertThat(k8s.metric("flagstaff_configmap_bytes{namespace=\"flags\"}"))
        .isEqualTo(FlagCodec.CONFIGMAP_LIMIT_BYTES - free + "fits".length() + ENABLED.length());

    // Room is made: the refused flag is written without anyone touching it.
    k8s.delete(NAMESPACE, "fits");
    await().until(() -> ENABLED.equals(k8s.data(NAMESPACE).get("this_key_does_not_fit")));
    await().until(() -> k8s.condition(NAMESPACE, "too-big", "Ready")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(k8s.data(NAMESPACE).get("ballast")).isEqualTo(ballast);
  }
}
