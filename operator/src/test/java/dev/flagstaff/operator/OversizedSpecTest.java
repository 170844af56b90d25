package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a real API server would refuse but the mock admits (it enforces no schema): durations past a year, more
 * environments than the CRD allows, huge keys and names. Each is Stalled with a message that says the limit and
 * stays small, and is never retried as an error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedSpecTest {
  private OperatorHarness k8s;

  @BeforeAll
  void start() {
    k8s = new OperatorHarness();
    k8s.startOperator();
  }

  @AfterAll
  void stop() {
    k8s.close();
  }

  private Condition stalled(String name) {
    await().until(() -> k8s.condition(NAMESPACE, name, Conditions.STALLED)
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    Condition stalled = k8s.condition(NAMESPACE, name, Conditions.STALLED).get();
    assertThat(stalled.getReason()).isEqualTo("InvalidSpec");
    assertThat(stalled.getMessage().length()).isLessThanOrEqualTo(Conditions.MAX_MESSAGE);
    return stalled;
  }

  @Test
  void durationsPastAYearAreStalledWithTheLimitNotRetriedForever() {
    FeatureFlag verification = flag("long-verification", "long_verification", Map.of("production", on()));
    verification.getSpec().setVerification("99999999999999h");
    k8s.create(verification);

    EnvironmentState stepped = new EnvironmentState();
    stepped.setEnabled(true);
    Rollout plan = new Rollout();
    plan.setStrategy(Strategy.RANDOM);
    plan.setSteps(List.of(new RolloutStep(10, "99999999999999h"), new RolloutStep(100, "0s")));
    stepped.setRollout(plan);
    k8s.create(flag("long-pause", "long_pause", Map.of("production", stepped)));

    assertThat(stalled("long-verification").getMessage()).contains("verification").contains("at most 8760h");
    assertThat(stalled("long-pause").getMessage()).contains("steps[0].pause").contains("at most 8760h");
    assertThat(k8s.metric("flagstaff_reconciles_total{outcome=\"error\"}")).isZero();
    assertThat(k8s.data(NAMESPACE)).doesNotContainKeys("long_verification", "long_pause");
  }

  @Test
  void moreEnvironmentsThanTheCrdAllowsAreRefusedAsTheApiServerWould() {
    Map<String, EnvironmentState> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("env-" + i, on());
    }
    k8s.create(flag("many-environments", "many_environments", many));

    assertThat(stalled("many-environments").getMessage()).contains("at most 32");
    assertThat(k8s.data(NAMESPACE)).doesNotContainKey("many_environments");
  }

  @Test
  void aHugeKeyOrAThousandBadNamesGiveASmallStatus() {
    k8s.create(flag("huge-key", "k".repeat(10_000), Map.of("production", on())));
    Map<String, EnvironmentState> bad = new LinkedHashMap<>();
    for (int i = 0; i < 1_000; i++) {
      bad.put("Bad_Name_" + i, on());
    }
    k8s.create(flag("bad-names", "bad_names", bad));

    assertThat(stalled("huge-key").getMessage()).contains("at most 200 characters").hasSizeLessThan(400);
    assertThat(stalled("bad-names").getMessage()).contains("must be a DNS label").contains("more problem(s)");
    assertThat(k8s.get(NAMESPACE, "bad-names").getStatus().toString().length()).isLessThan(4_000);
  }
}
