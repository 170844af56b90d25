package dev.flagstaff.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlagCodecTest {
  @Test
  void writesTheCompactFormsOfTheDesign() {
    assertThat(FlagCodec.encode(FlagState.on(0))).isEqualTo("{\"enabled\":true}");
    assertThat(FlagCodec.encode(FlagState.off(0))).isEqualTo("{\"enabled\":false}");
    assertThat(FlagCodec.encode(FlagState.of(true, 25.0, Strategy.ACTORS, List.of(), 3)))
        .isEqualTo("{\"enabled\":true,\"percentage\":25,\"strategy\":\"actors\",\"generation\":3}");
    assertThat(FlagCodec.encode(FlagState.of(true, 5.395, Strategy.RANDOM, List.of("User:1", "a\"b"), 0)))
        .isEqualTo("{\"enabled\":true,\"percentage\":5.395,\"strategy\":\"random\",\"actors\":[\"User:1\",\"a\\\"b\"]}");
  }

  @Test
  void readsBackWhatItWrites() {
    FlagState state = FlagState.of(true, 0.001, Strategy.ACTORS, List.of("User:1", "ü\n"), 12);
    assertThat(FlagCodec.decode(FlagCodec.encode(state))).isEqualTo(state);
  }

  @Test
  void ignoresFieldsItDoesNotKnow() {
    assertThat(FlagCodec.decode("{\"enabled\":true,\"rolloutStep\":2}")).isEqualTo(FlagState.on(0));
  }

  @Test
  void rejectsCorruptValuesWithAReason() {
    assertThatThrownBy(() -> FlagCodec.decode("{\"enabled\":")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> FlagCodec.decode("[]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> FlagCodec.decode("{\"enabled\":\"yes\"}")).hasMessageContaining("enabled");
    assertThatThrownBy(() -> FlagCodec.decode("{\"enabled\":true,\"percentage\":120,\"strategy\":\"random\"}"))
        .hasMessageContaining("between 0 and 100");
    assertThatThrownBy(() -> FlagCodec.decode("{\"enabled\":true,\"percentage\":20}"))
        .hasMessageContaining("needs a strategy");
    assertThatThrownBy(() -> FlagCodec.decode("{\"enabled\":true,\"percentage\":20,\"strategy\":\"sometimes\"}"))
        .hasMessageContaining("unknown strategy");
  }

  @Test
  void fiveThousandTypicalFlagsFitInOneConfigMap() {
    long bytes = 0;
    for (int i = 0; i < 5_000; i++) {
      String key = "some_team_feature_flag_number_" + i;
      FlagState state = i % 3 == 0
          ? FlagState.of(true, 33.333, Strategy.ACTORS, List.of(), 120)
          : i % 3 == 1 ? FlagState.on(7) : FlagState.off(4);
      bytes += key.length() + FlagCodec.encode(state).length();
    }
    assertThat(bytes).isLessThan(FlagCodec.CONFIGMAP_LIMIT_BYTES);
  }
}
