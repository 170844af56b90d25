package dev.flagstaff.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Durations saturate instead of overflowing, and the bound the CRD enforces is the one the operator enforces. */
class DurationsTest {
  @Test
  void theKubernetesFormsParse() {
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> Durations.parse("1 hour")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hugeDurationsSaturateAtTheLimitSoTimestampArithmeticCannotOverflow() {
    for (String huge : new String[] {"99999999999999h", "9999999999999999999999999999999h", "2562048h",
        "99999h99999h99999h99999h99999h", "999999999999ms99999999999999ms"}) {
      assertThat(Durations.parse(huge)).as(huge).isEqualTo(Durations.MAX);
      // what the operator does with a pause or a verification term
      assertThat(Instant.parse("2026-01-01T00:00:00Z").plus(Durations.parse(huge))).isBefore(Instant.MAX);
    }
  }

  @Test
  void upToAYearIsValidAndBeyondItTheProblemSaysTheLimit() {
    for (String ok : new String[] {"8760h", "525600m", "31536000s", "31536000000ms", "8759h60m", "0s", "24h"}) {
      assertThat(Durations.problem(ok)).as(ok).isNull();
    }
    for (String tooLong : new String[] {"8761h", "8760h1ms", "99999999999999h", "525601m", "0000000000001h"}) {
      assertThat(Durations.problem(tooLong)).as(tooLong).isEqualTo("must be a duration of at most 8760h (365 days)");
    }
    assertThat(Durations.problem("1 hour")).contains("like 30s");
  }
}
