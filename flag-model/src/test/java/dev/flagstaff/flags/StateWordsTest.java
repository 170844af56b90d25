package dev.flagstaff.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StateWordsTest {
  @Test
  void describesEachKindOfState() {
    assertThat(StateWords.of(FlagState.on(1))).isEqualTo("Enabled");
    assertThat(StateWords.of(FlagState.off(1))).isEqualTo("Disabled");
    assertThat(StateWords.of(FlagState.of(false, 50.0, Strategy.RANDOM, List.of(), 1))).isEqualTo("Disabled");
    assertThat(StateWords.of(FlagState.of(true, 25.0, Strategy.ACTORS, List.of(), 1))).isEqualTo("25% of actors");
    assertThat(StateWords.of(FlagState.of(true, 10.0, Strategy.RANDOM, List.of(), 1))).isEqualTo("10% of time");
    assertThat(StateWords.of(FlagState.of(true, 0.5, Strategy.ACTORS, List.of("User:1"), 1)))
        .isEqualTo("0.5% of actors + 1 actor");
    assertThat(StateWords.of(FlagState.of(true, 5.395, Strategy.ACTORS, List.of("a", "b"), 1)))
        .isEqualTo("5.395% of actors + 2 actors");
  }
}
