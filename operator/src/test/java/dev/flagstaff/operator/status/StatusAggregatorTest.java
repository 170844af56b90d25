package dev.flagstaff.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.operator.FlagEvents;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-01T11:00:00Z");

  private static FeatureFlag flag(long generation, FeatureFlagStatus status) {
    FeatureFlag flag = new FeatureFlag();
    flag.setMetadata(new ObjectMetaBuilder().withName("f").withNamespace("ns").withGeneration(generation).build());
    flag.setStatus(status);
    return flag;
  }

  private static StatusAggregator at(Instant now) {
    return new StatusAggregator("production", Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionFlips() {
    FeatureFlagStatus first = desired(at(T1), flag(1, null), "k",
        Verdict.applied("production", FlagState.on(1)));
    assertThat(first.getConditions()).allSatisfy(c -> assertThat(c.getLastTransitionTime()).isEqualTo(T1.toString()));

    // generation 2, still applied: messages and observedGeneration change, no condition flips
    FeatureFlagStatus second = desired(at(T2), flag(2, first), "k",
        Verdict.applied("production", FlagState.of(true, 25.0, Strategy.ACTORS, List.of(), 2)));
    assertThat(second.getObservedGeneration()).isEqualTo(2L);
    assertThat(second.getState()).isEqualTo("25% of actors");
    assertThat(Conditions.find(second.getConditions(), "Ready").get().getMessage())
        .isEqualTo("production: 25% of actors (generation 2)");
    assertThat(second.getConditions()).allSatisfy(c -> {
      assertThat(c.getLastTransitionTime()).isEqualTo(T1.toString());
      assertThat(c.getObservedGeneration()).isEqualTo(2L);
    });

    // refused: Ready and Stalled flip, Reconciling stays False
    FeatureFlagStatus third = desired(at(T2), flag(3, second), "k",
        Verdict.refused(FlagEvents.INVALID_SPEC, "spec is missing", second.getState()));
    assertThat(Conditions.find(third.getConditions(), "Ready").get().getLastTransitionTime()).isEqualTo(T2.toString());
    assertThat(Conditions.find(third.getConditions(), "Stalled").get().getLastTransitionTime())
        .isEqualTo(T2.toString());
    assertThat(Conditions.find(third.getConditions(), "Reconciling").get().getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(third.getState()).as("what is still in the ConfigMap").isEqualTo("25% of actors");
  }

  @Test
  void anUnchangedStatusIsNotWritten() {
    // The reconciler writes the status only when the desired one differs from what the resource says.
    FeatureFlagStatus status = desired(at(T1), flag(1, null), "k", Verdict.applied("production", FlagState.off(1)));
    FeatureFlag current = flag(1, status);
    FeatureFlagStatus again = desired(at(T2), current, "k", Verdict.applied("production", FlagState.off(1)));
    assertThat(again).isEqualTo(current.getStatus());

    FeatureFlagStatus changed = desired(at(T2), current, "k", Verdict.applied("production", FlagState.on(1)));
    assertThat(changed).isNotEqualTo(current.getStatus());
  }

  /** The status of a flag without rollout or verification term. */
  private static FeatureFlagStatus desired(StatusAggregator statuses, FeatureFlag flag, String key, Verdict verdict) {
    return statuses.status(flag, key, PlannedStatus.of(verdict, null, null), null,
        null);
  }
}
