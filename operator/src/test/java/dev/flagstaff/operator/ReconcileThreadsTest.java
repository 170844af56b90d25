package dev.flagstaff.operator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstaff.runtime.Config;
import dev.flagstaff.runtime.ConfigException;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLAGSTAFF_RECONCILE_THREADS out of range stops the operator before it starts, naming the variable. */
class ReconcileThreadsTest {
  @Test
  void aThreadCountOutOfRangeIsRefusedByName() {
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build()) {
      for (String value : new String[] {"0", "1001", "many"}) {
        assertThatThrownBy(() -> new FlagstaffOperator(new Config(Map.of("FLAGSTAFF_ENVIRONMENT", "staging",
            "FLAGSTAFF_NAMESPACES", "flags", "FLAGSTAFF_RECONCILE_THREADS", value)), client))
            .as("FLAGSTAFF_RECONCILE_THREADS=%s", value)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("FLAGSTAFF_RECONCILE_THREADS");
      }
    }
  }
}
