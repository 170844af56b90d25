package dev.flagstaff.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}, as CI or a reviewer would run it before installing. */
class ChartLintTest {

  @Test
  void defaultValuesWithAnEnvironmentLintCleanly() {
    LintResult result = Chart.lint(Values.DEFAULTS);

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @Test
  void everyOptionalPartSwitchedOnLintsCleanly() {
    LintResult result = Chart.lint(Values.NON_DEFAULT);

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @Test
  void lintRefusesTheChartWhenNoEnvironmentIsGiven() {
    LintResult result = Chart.lint("");

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("environment");
  }
}
