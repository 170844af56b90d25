package dev.flagstaff.operator;

import static dev.flagstaff.operator.OperatorHarness.NAMESPACE;
import static dev.flagstaff.operator.OperatorHarness.flag;
import static dev.flagstaff.operator.OperatorHarness.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.Owners;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.testkit.SlackApiStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Progressive rollouts against the mock API server, on a clock the test moves: what the ConfigMap holds at each
 * step, the status, the Events and the announcements the Slack stub receives. Nothing waits for real minutes: the
 * test moves the clock, then asks the operator to look again ({@link FlagstaffOperator#wake()}).
 */
class RolloutOperatorTest {
  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final String KEY = "stepped_flag";

  private final OperatorHarness k8s = new OperatorHarness();
  private final SlackApiStub slack = SlackApiStub.start();
  private final TestClock clock = new TestClock(T0);

  @BeforeEach
  void start() {
    k8s.startOperator(env(), clock);
  }

  @AfterEach
  void stop() {
    k8s.close();
    slack.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = OperatorHarness.defaultEnv();
    env.put("SLACK_BOT_TOKEN", "xoxb-rollout-test");
    env.put("SLACK_API_URL", slack.baseUrl());
    return env;
  }

  static EnvironmentState rollout(double... percentagesThen100) {
    Rollout plan = new Rollout();
    plan.setStrategy(Strategy.RANDOM);
    List<RolloutStep> steps = new ArrayList<>();
    List<String> pauses = List.of("10m", "10m", "1h", "30m");
    for (int i = 0; i < percentagesThen100.length; i++) {
      steps.add(new RolloutStep(percentagesThen100[i], pauses.get(i)));
    }
    plan.setSteps(steps);
    EnvironmentState state = on();
    state.setRollout(plan);
    return state;
  }

  private FeatureFlag createStepped() {
    FeatureFlag flag = flag("stepped", KEY, Map.of("production", rollout(1, 10, 50, 100)));
    Owners owners = new Owners();
    owners.setSlackChannel("#rollouts");
    flag.getSpec().setOwners(owners);
    return k8s.create(flag);
  }

  private String value() {
    return k8s.data(NAMESPACE).get(KEY);
  }

  private RolloutStatus rolloutStatus() {
    FeatureFlag flag = k8s.get(NAMESPACE, "stepped");
    return flag.getStatus() == null ? null : flag.getStatus().getRollout();
  }

  private void advance(Duration by) {
    clock.advance(by);
    k8s.operator().wake();
  }

  private static String random(int percentage, int generation) {
    return "{\"enabled\":true,\"percentage\":" + percentage + ",\"strategy\":\"random\",\"generation\":" + generation
        + "}";
  }

  private List<String> announcements() {
    return slack.calls("chat.postMessage").stream().map(c -> c.field("text")).collect(Collectors.toList());
  }

  /** Waits for the operator to have looked again, so that "nothing changed" is an observation, not a guess. */
  private void awaitAnotherReconcile(Runnable poke) {
    double before = k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}");
    poke.run();
    await().until(() -> k8s.metric("flagstaff_reconciles_total{outcome=\"unchanged\"}") > before);
  }

  @Test
  void aFourStepRolloutMovesStepByStepOnTheClockAndCompletesFullyOn() {
    createStepped();
    await().until(() -> random(1, 1).equals(value()));
    await().until(() -> rolloutStatus() != null);
    assertThat(rolloutStatus().getPhase()).isEqualTo("Progressing");
    assertThat(rolloutStatus().getStep()).isZero();
    assertThat(rolloutStatus().getStepStartedAt()).isEqualTo("2026-03-02T09:00:00Z");
    assertThat(rolloutStatus().getEffectivePercentage()).isEqualTo(1.0);
    assertThat(k8s.condition(NAMESPACE, "stepped", "Rollout").get().getStatus()).isEqualTo("True");

    awaitAnotherReconcile(() -> advance(Duration.ofMinutes(9)));
    assertThat(value()).as("not due before 10 minutes").isEqualTo(random(1, 1));

    advance(Duration.ofMinutes(1));
    await().until(() -> random(10, 1).equals(value()));
    advance(Duration.ofMinutes(10));
    await().until(() -> random(50, 1).equals(value()));
    advance(Duration.ofHours(1));
    await().until(() -> random(100, 1).equals(value()));
    await().until(() -> rolloutStatus().getStep() == 3);
    assertThat(rolloutStatus().getPhase()).isEqualTo("Progressing");
    advance(Duration.ofMinutes(30));
    await().until(() -> "{\"enabled\":true,\"generation\":1}".equals(value()));
    await().until(() -> "Completed".equals(rolloutStatus().getPhase()));
    assertThat(rolloutStatus().getEffectivePercentage()).isEqualTo(100.0);
    assertThat(k8s.get(NAMESPACE, "stepped").getStatus().getState()).isEqualTo("Enabled");

    await().untilAsserted(() -> assertThat(k8s.eventLines(NAMESPACE, "stepped", "StateChanged")).containsExactly(
        "Normal StateChanged production: unset → 1% of time",
        "Normal StateChanged production: 1% of time → 10% of time",
        "Normal StateChanged production: 10% of time → 50% of time",
        "Normal StateChanged production: 50% of time → 100% of time",
        "Normal StateChanged production: 100% of time → Enabled"));
    await().untilAsserted(() -> assertThat(announcements()).containsExactly(
        "*stepped_flag* in *production*: now 1% of time (spec change: rollout started: step 1 of 4 (1% of time))",
        "*stepped_flag* in *production*: 1% of time → 10% of time (rollout step 2 of 4 (10% of time))",
        "*stepped_flag* in *production*: 10% of time → 50% of time (rollout step 3 of 4 (50% of time))",
        "*stepped_flag* in *production*: 50% of time → 100% of time (rollout step 4 of 4 (100% of time))",
        "*stepped_flag* in *production*: 100% of time → Enabled (rollout completed: fully on)"));
    assertThat(slack.calls("chat.postMessage")).allSatisfy(c -> assertThat(c.field("channel")).isEqualTo("#rollouts"));
  }

  @Test
  void anOperatorRestartMidRolloutNeitherRepeatsNorSkipsAStep() {
    createStepped();
    await().until(() -> random(1, 1).equals(value()));
    advance(Duration.ofMinutes(10));
    await().until(() -> random(10, 1).equals(value()));
    await().until(() -> rolloutStatus().getStep() == 1);

    k8s.stopOperator();
    clock.advance(Duration.ofMinutes(25)); // step 2 was due 15 minutes ago; step 3 would be due after an hour more
    k8s.startOperator(env(), clock);

    await().until(() -> random(50, 1).equals(value()));
    await().until(() -> rolloutStatus().getStep() == 2);
    assertThat(rolloutStatus().getStepStartedAt()).isEqualTo("2026-03-02T09:35:00Z");
    awaitAnotherReconcile(() -> advance(Duration.ofMinutes(59)));
    assertThat(value()).isEqualTo(random(50, 1));
    await().untilAsserted(() -> assertThat(k8s.eventLines(NAMESPACE, "stepped", "StateChanged")).containsExactly(
        "Normal StateChanged production: unset → 1% of time",
        "Normal StateChanged production: 1% of time → 10% of time",
        "Normal StateChanged production: 10% of time → 50% of time"));
  }

  @Test
  void pausingHoldsTheStepAndResumingContinuesItsTimer() {
    createStepped();
    await().until(() -> random(1, 1).equals(value()));
    await().until(() -> rolloutStatus() != null);
    clock.advance(Duration.ofMinutes(6));
    k8s.edit(NAMESPACE, "stepped", f -> {
      f.getSpec().getEnvironments().get("production").getRollout().setPaused(true);
      return f;
    });
    await().until(() -> "Paused".equals(rolloutStatus().getPhase()));
    assertThat(k8s.condition(NAMESPACE, "stepped", "Rollout").get())
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("Paused"));

    awaitAnotherReconcile(() -> advance(Duration.ofHours(2)));
    assertThat(value()).isEqualTo(random(1, 2));

    k8s.edit(NAMESPACE, "stepped", f -> {
      f.getSpec().getEnvironments().get("production").getRollout().setPaused(false);
      return f;
    });
    await().until(() -> "Progressing".equals(rolloutStatus().getPhase()));
    awaitAnotherReconcile(() -> advance(Duration.ofMinutes(3)));
    assertThat(value()).as("4 minutes of the step were left when paused").isEqualTo(random(1, 3));
    advance(Duration.ofMinutes(1));
    await().until(() -> random(10, 3).equals(value()));
  }

  @Test
  void aSpecChangeMidRolloutRestartsANewPlanAndTheKillSwitchWins() {
    createStepped();
    await().until(() -> random(1, 1).equals(value()));
    advance(Duration.ofMinutes(10));
    await().until(() -> random(10, 1).equals(value()));

    // the last step changes only: progress is kept
    k8s.edit(NAMESPACE, "stepped", f -> {
      f.getSpec().getEnvironments().get("production").getRollout().getSteps().get(3).setPause("2h");
      return f;
    });
    await().until(() -> random(10, 2).equals(value()));
    assertThat(rolloutStatus().getStep()).isEqualTo(1);

    // the first step changes: a new plan, from its first step
    k8s.edit(NAMESPACE, "stepped", f -> {
      f.getSpec().getEnvironments().get("production").getRollout().getSteps().get(0).setPercentage(5.0);
      return f;
    });
    await().until(() -> random(5, 3).equals(value()));
    await().until(() -> rolloutStatus().getStep() == 0 && rolloutStatus().getEffectivePercentage() == 5.0);

    k8s.edit(NAMESPACE, "stepped", f -> {
      f.getSpec().getEnvironments().get("production").setEnabled(false);
      return f;
    });
    await().until(() -> "{\"enabled\":false,\"generation\":4}".equals(value()));
    await().until(() -> rolloutStatus() == null);
    assertThat(k8s.condition(NAMESPACE, "stepped", "Rollout")).isEmpty();
    awaitAnotherReconcile(() -> advance(Duration.ofHours(3)));
    assertThat(value()).isEqualTo("{\"enabled\":false,\"generation\":4}");
    await().untilAsserted(() -> assertThat(announcements()).last().asString()
        .isEqualTo("*stepped_flag* in *production*: 5% of time → Disabled (spec change)"));
  }

  @Test
  void fullyOnForTheVerificationTermMakesTheFlagReadyForCleanupOnce() {
    FeatureFlag flag = flag("verified", "verified_flag", Map.of("production", on()));
    flag.getSpec().setVerification("1h");
    Owners owners = new Owners();
    owners.setSlackChannel("#rollouts");
    flag.getSpec().setOwners(owners);
    k8s.create(flag);
    await().until(() -> k8s.condition(NAMESPACE, "verified", "ReadyForCleanup").isPresent());
    assertThat(k8s.get(NAMESPACE, "verified").getStatus().getFullyOnSince()).isEqualTo("2026-03-02T09:00:00Z");
    assertThat(k8s.condition(NAMESPACE, "verified", "ReadyForCleanup").get())
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("Verifying"));
    assertThat(k8s.metric("flagstaff_flags_ready_for_cleanup")).isZero();

    awaitAnotherReconcile(() -> advance(Duration.ofMinutes(59)));
    assertThat(k8s.condition(NAMESPACE, "verified", "ReadyForCleanup").get().getStatus()).isEqualTo("False");

    advance(Duration.ofMinutes(1));
    await().until(() -> k8s.condition(NAMESPACE, "verified", "ReadyForCleanup")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(k8s.condition(NAMESPACE, "verified", "ReadyForCleanup").get().getMessage()).isEqualTo(
        "fully on in production since 2026-03-02T09:00:00Z (1h): remove the flag from the code, then delete this "
            + "FeatureFlag");
    await().until(() -> k8s.metric("flagstaff_flags_ready_for_cleanup") == 1);
    await().until(() -> k8s.eventLines(NAMESPACE, "verified", "ReadyForCleanup").size() == 1);
    String reminder = "*verified_flag* has been fully on in *production* for 1h: remove it from the code, then "
        + "`kubectl delete featureflag verified -n flags`";
    await().until(() -> announcements().contains(reminder));

    awaitAnotherReconcile(() -> advance(Duration.ofHours(5)));
    assertThat(k8s.eventLines(NAMESPACE, "verified", "ReadyForCleanup")).hasSize(1);
    assertThat(announcements().stream().filter(reminder::equals)).hasSize(1);

    // turned off: no longer fully on, the clock starts again when it is
    k8s.edit(NAMESPACE, "verified", f -> {
      f.getSpec().getEnvironments().put("production", OperatorHarness.off());
      return f;
    });
    await().until(() -> k8s.get(NAMESPACE, "verified").getStatus().getFullyOnSince() == null);
    assertThat(k8s.condition(NAMESPACE, "verified", "ReadyForCleanup")).isEmpty();
    await().until(() -> k8s.metric("flagstaff_flags_ready_for_cleanup") == 0);
  }

  @Test
  void deletingAFlagIsAnnounced() {
    createStepped();
    await().until(() -> random(1, 1).equals(value()));
    await().until(() -> k8s.get(NAMESPACE, "stepped").getStatus() != null);
    k8s.delete(NAMESPACE, "stepped");
    await().until(() -> k8s.get(NAMESPACE, "stepped") == null);
    await().untilAsserted(() -> assertThat(announcements()).last().asString()
        .isEqualTo("*stepped_flag* in *production*: 1% of time → removed (the FeatureFlag was deleted: its key is "
            + "gone and the flag reads as off)"));
  }
}
