package dev.flagstaff.operator.configmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigMapSizeTest {
  @Test
  void countsKeysAndValuesInBytesAsTheApiServerDoes() {
    ConfigMap configMap = new ConfigMapBuilder()
        .withData(Map.of("é", "ab"))
        .withBinaryData(Map.of("bin", "AAEC")) // 3 bytes once decoded
        .build();
    assertThat(ConfigMapSize.of(configMap)).isEqualTo(2 + 2 + 3 + 3);
  }

  /** Typical flags of a GitLab-sized installation: long keys, a mix of on, off, percentages and a few actors. */
  @Test
  void atLeastFiveThousandTypicalFlagsFit() {
    Map<String, String> data = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      String key = "slack_events_app_home_opened_variant_" + i; // ~40 characters, typical of GitLab's keys
      FlagState state;
      switch (i % 4) {
        case 0: state = FlagState.on(12); break;
        case 1: state = FlagState.off(7); break;
        case 2: state = FlagState.of(true, 12.5, Strategy.ACTORS, List.of(), 23); break;
        default: state = FlagState.of(true, 50.0, Strategy.RANDOM, List.of("User:1", "User:42"), 4); break;
      }
      data.put(key, FlagCodec.encode(state));
    }
    long bytes = ConfigMapSize.of(new ConfigMapBuilder().withData(data).build());
    assertThat(bytes).isLessThan(ConfigMapSize.LIMIT / 2);
  }
}
