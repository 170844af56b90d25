package dev.flagstaff.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlagEvaluatorTest {
  private static final String KEY = "slack_events_app_home_opened";

  @Test
  void unknownFlagIsOff() {
    assertThat(FlagEvaluator.evaluate(KEY, null, "User:1")).isEqualTo(Decision.UNKNOWN_FLAG);
    assertThat(FlagEvaluator.isEnabled(KEY, null, null)).isFalse();
  }

  @Test
  void disabledIsOffWhateverElseIsSet() {
    FlagState killed = FlagState.of(false, 100.0, Strategy.ACTORS, List.of("User:1"), 7);
    assertThat(FlagEvaluator.evaluate(KEY, killed, "User:1")).isEqualTo(Decision.DISABLED);
    assertThat(FlagEvaluator.evaluate(KEY, killed, null)).isEqualTo(Decision.DISABLED);
  }

  @Test
  void enabledWithoutPercentageIsFullyOnWithOrWithoutActor() {
    FlagState on = FlagState.on(1);
    assertThat(FlagEvaluator.evaluate(KEY, on, null)).isEqualTo(Decision.FULLY_ON);
    assertThat(FlagEvaluator.evaluate(KEY, on, "User:42")).isEqualTo(Decision.FULLY_ON);
  }

  @Test
  void listedActorIsOnEvenAtZeroPercent() {
    FlagState state = FlagState.of(true, 0.0, Strategy.ACTORS, List.of("User:7", "User:9"), 1);
    assertThat(FlagEvaluator.evaluate(KEY, state, "User:9")).isEqualTo(Decision.ACTOR_LISTED);
    assertThat(FlagEvaluator.evaluate(KEY, state, "User:8")).isEqualTo(Decision.ACTOR_OUTSIDE_PERCENTAGE);
  }

  @Test
  void flipperBucketOfAKnownActor() {
    // Flipper (and GitLab) compute Zlib.crc32("slack_events_app_home_opened" + "User:1") % 100_000.
    assertThat(ActorBucket.of(KEY, "User:1")).isEqualTo(5394);
  }

  @Test
  void knownActorIsOnAtItsBucketBoundary() {
    assertThat(FlagEvaluator.evaluate(KEY, actors(5.395), "User:1")).isEqualTo(Decision.ACTOR_IN_PERCENTAGE);
    assertThat(FlagEvaluator.evaluate(KEY, actors(5.394), "User:1")).isEqualTo(Decision.ACTOR_OUTSIDE_PERCENTAGE);
  }

  @Test
  void actorPercentageNeedsAnActor() {
    assertThat(FlagEvaluator.evaluate(KEY, actors(100), null)).isEqualTo(Decision.NO_ACTOR);
    assertThat(FlagEvaluator.evaluate(KEY, actors(100), "")).isEqualTo(Decision.NO_ACTOR);
  }

  @Test
  void actorDecisionIsStableAndCohortsGrowMonotonically() {
    for (int id = 0; id < 2_000; id++) {
      String actor = "User:" + id;
      boolean at10 = FlagEvaluator.isEnabled(KEY, actors(10), actor);
      assertThat(FlagEvaluator.isEnabled(KEY, actors(10), actor)).isEqualTo(at10);
      if (at10) {
        assertThat(FlagEvaluator.isEnabled(KEY, actors(50), actor))
            .as("an actor in the 10%% cohort stays in at 50%%: %s", actor).isTrue();
      }
    }
  }

  @Test
  void actorShareIsCloseToThePercentage() {
    int on = 0;
    int n = 20_000;
    for (int id = 0; id < n; id++) {
      if (FlagEvaluator.isEnabled(KEY, actors(25), "User:" + id)) {
        on++;
      }
    }
    assertThat(on / (double) n).isBetween(0.23, 0.27);
  }

  @Test
  void randomShareIsCloseToThePercentageAndIgnoresTheActor() {
    FlagState tenPercentOfTime = FlagState.of(true, 10.0, Strategy.RANDOM, List.of(), 1);
    int on = 0;
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      if (FlagEvaluator.isEnabled(KEY, tenPercentOfTime, "User:1")) {
        on++;
      }
    }
    assertThat(on / (double) n).isBetween(0.09, 0.11);
  }

  @Test
  void randomAtTheExtremes() {
    FlagState none = FlagState.of(true, 0.0, Strategy.RANDOM, List.of(), 1);
    FlagState all = FlagState.of(true, 100.0, Strategy.RANDOM, List.of(), 1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(FlagEvaluator.evaluate(KEY, none, null)).isEqualTo(Decision.RANDOM_OFF);
      assertThat(FlagEvaluator.evaluate(KEY, all, null)).isEqualTo(Decision.RANDOM_ON);
    }
  }

  private static FlagState actors(double percentage) {
    return FlagState.of(true, percentage, Strategy.ACTORS, List.of(), 1);
  }
}
