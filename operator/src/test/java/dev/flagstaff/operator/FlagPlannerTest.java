package dev.flagstaff.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.operator.status.Conditions;
import dev.flagstaff.operator.status.StatusAggregator;
import dev.flagstaff.operator.status.Verdict;
import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.flags.FlagCodec;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.operator.announce.Announcement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan step alone: from what a reconcile observed to what it will write, record and tell, with no server. */
class FlagPlannerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final String KEY = "new-checkout";

  private final FlagPlanner planner = new FlagPlanner("production", false, "feature-flags");
  private final StatusAggregator statuses = new StatusAggregator("production", Clock.fixed(NOW, ZoneOffset.UTC));

  private static FeatureFlag flag(EnvironmentState production) {
    FeatureFlag flag = OperatorHarness.flag("checkout", KEY, Map.of("production", production));
    flag.getMetadata().setGeneration(1L);
    return flag;
  }

  private static Observation observed(FeatureFlag flag, String current, boolean drifted) {
    return new Observation(flag, KEY, current, drifted, NOW, null);
  }

  /** Saves the status the plan builds on the flag, as the record step does. */
  private FeatureFlag recorded(FeatureFlag flag, FlagPlan plan) {
    flag.setStatus(statuses.status(flag, KEY, plan, "7", null));
    return flag;
  }

  @Test
  void aNewFlagIsWrittenAndItsChangeToldOnce() {
    FeatureFlag flag = flag(OperatorHarness.on());
    FlagPlan plan = planner.plan(observed(flag, null, false), null);

    assertThat(FlagCodec.decode(plan.value())).isEqualTo(FlagState.on(1));
    assertThat(plan.verdict().applied()).isTrue();
    assertThat(plan.events()).containsExactly(
        new Notices.Event("Normal", FlagEvents.STATE_CHANGED, "production: unset → Enabled"));
    assertThat(plan.announcements()).singleElement()
        .satisfies(a -> assertThat(a.why()).isEqualTo(Announcement.Why.SPEC_CHANGE));
    assertThat(plan.wake()).as("nothing timed: no wake-up").isNull();

    // the next reconcile, with that status saved and the value in place, has nothing to tell
    FlagPlan again = planner.plan(observed(recorded(flag, plan), plan.value(), false), null);
    assertThat(again.value()).isEqualTo(plan.value());
    assertThat(again.events()).isEmpty();
    assertThat(again.announcements()).isEmpty();
  }

  @Test
  void theStatusIsBuiltFromThePlan() {
    FeatureFlag flag = flag(OperatorHarness.off());
    FlagPlan plan = planner.plan(observed(flag, null, false), null);
    var status = statuses.status(flag, KEY, plan, "7", null);

    assertThat(status.getState()).isEqualTo("Disabled");
    assertThat(status.getConfigMapVersion()).isEqualTo("7");
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue();
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.STALLED)).isFalse();
  }

  @Test
  void aRefusalWritesNothingAndIsReportedOnceForTheSameReason() {
    FeatureFlag flag = flag(OperatorHarness.on());
    Verdict refusal = Verdict.refused(FlagEvents.KEY_CONFLICT, "key 'new-checkout' is already written", null);
    FlagPlan plan = planner.plan(observed(flag, null, false), refusal);

    assertThat(plan.value()).as("nothing to write").isNull();
    assertThat(plan.events()).containsExactly(
        new Notices.Event("Warning", FlagEvents.KEY_CONFLICT, "key 'new-checkout' is already written"));
    assertThat(plan.announcements()).isEmpty();

    recorded(flag, plan);
    assertThat(planner.plan(observed(flag, null, false), refusal).events()).as("already on the status").isEmpty();
    Verdict other = Verdict.refused(FlagEvents.CONFIGMAP_FULL, "no room", null);
    assertThat(planner.plan(observed(flag, null, false), other).events()).extracting(Notices.Event::reason)
        .containsExactly(FlagEvents.CONFIGMAP_FULL);
  }

  @Test
  void aValueChangedOutsideTheOperatorIsPutBackWithAnEventNamingTheKey() {
    FeatureFlag flag = flag(OperatorHarness.on());
    FlagPlan first = planner.plan(observed(flag, null, false), null);
    recorded(flag, first);

    FlagPlan repaired = planner.plan(observed(flag, FlagCodec.encode(FlagState.off(1)), true), null);
    assertThat(repaired.value()).isEqualTo(first.value());
    assertThat(repaired.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(FlagEvents.DRIFT_REPAIRED);
      assertThat(e.message()).contains("key 'new-checkout' of ConfigMap feature-flags");
    });

    // changed back by hand to what the flag says: nothing to put back, nothing to tell
    assertThat(planner.plan(observed(flag, first.value(), true), null).events()).isEmpty();
  }

  @Test
  void swappingOneListedActorForAnotherIsAChangeAndGetsItsEvent() {
    EnvironmentState alice = OperatorHarness.percent(10, Strategy.ACTORS);
    alice.setActors(List.of("alice"));
    FeatureFlag flag = flag(alice);
    FlagPlan first = planner.plan(observed(flag, null, false), null);
    recorded(flag, first);

    EnvironmentState bob = OperatorHarness.percent(10, Strategy.ACTORS);
    bob.setActors(List.of("bob"));
    flag.getSpec().getEnvironments().put("production", bob);
    flag.getMetadata().setGeneration(2L);
    FlagPlan swapped = planner.plan(observed(flag, first.value(), false), null);

    assertThat(swapped.verdict().state()).as("the words are the same").isEqualTo(first.verdict().state());
    assertThat(FlagCodec.decode(swapped.value()).actors()).containsExactly("bob");
    assertThat(swapped.events()).extracting(Notices.Event::reason).containsExactly(FlagEvents.STATE_CHANGED);
    assertThat(swapped.announcements()).hasSize(1);

    // a new generation with the same value in effect (a description edited) is no change
    flag.getMetadata().setGeneration(3L);
    recorded(flag, swapped);
    assertThat(planner.plan(observed(flag, swapped.value(), false), null).events()).isEmpty();
  }
}
