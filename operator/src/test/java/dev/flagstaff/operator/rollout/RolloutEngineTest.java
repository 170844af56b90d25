package dev.flagstaff.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.flags.Strategy;
import dev.flagstaff.operator.rollout.RolloutEngine.Change;
import dev.flagstaff.operator.rollout.RolloutEngine.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The rollout plan as a pure function of plan, progress, time and analysis: no Kubernetes, no waiting. */
class RolloutEngineTest {
  static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final Function<Analysis, AnalysisResult> NEVER = a -> {
    throw new AssertionError("no analysis expected");
  };

  static Rollout fourSteps() {
    Rollout plan = new Rollout();
    plan.setStrategy(Strategy.RANDOM);
    plan.setSteps(new ArrayList<>(List.of(new RolloutStep(1, "10m"), new RolloutStep(10, "10m"),
        new RolloutStep(50, "1h"), new RolloutStep(100, "30m"))));
    return plan;
  }

  static Rollout withAnalysis(Rollout plan, int failureLimit) {
    Analysis analysis = new Analysis();
    analysis.setPrometheus("http://prometheus:9090");
    analysis.setInterval("1m");
    analysis.setFailureLimit(failureLimit);
    analysis.setQueries(List.of(new AnalysisQuery("error-ratio", "vector(0)", 0.05, null)));
    plan.setAnalysis(analysis);
    return plan;
  }

  private static Decision at(Rollout plan, RolloutStatus previous, Instant now) {
    return decide(plan, previous, null, now, NEVER);
  }

  /**
   * A decision as the operator reaches it: when it asks for an analysis run, {@code analyst} answers it and the
   * answer is fed to the decision taken again.
   */
  private static Decision decide(Rollout plan, RolloutStatus previous, String retry, Instant now,
      Function<Analysis, AnalysisResult> analyst) {
    Decision first = RolloutEngine.decide(plan, previous, retry, now, null);
    AnalysisRun run = first.analysisNeeded();
    return run == null ? first : RolloutEngine.decide(plan, previous, retry, now,
        new AnalysisRun.Result(run.id(), analyst.apply(run.analysis())));
  }

  @Test
  void aFourStepRolloutWalksItsStepsInOrderThenCompletesFullyOn() {
    Rollout plan = fourSteps();
    Decision d = at(plan, null, T0);
    assertThat(d.percentage()).isEqualTo(1.0);
    assertThat(d.strategy()).isEqualTo(Strategy.RANDOM);
    assertThat(d.status().getPhase()).isEqualTo("Progressing");
    assertThat(d.requeueAfter()).isEqualTo(Duration.ofMinutes(5)); // 10m, capped
    assertThat(d.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.STARTED);

    // not due yet: nothing moves
    Decision early = at(plan, d.status(), T0.plusSeconds(599));
    assertThat(early.percentage()).isEqualTo(1.0);
    assertThat(early.transitions()).isEmpty();
    assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(1));

    List<Double> seen = new ArrayList<>(List.of(d.percentage()));
    Instant now = T0;
    RolloutStatus status = d.status();
    for (Duration pause : List.of(Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofHours(1))) {
      now = now.plus(pause);
      Decision next = at(plan, status, now);
      assertThat(next.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.STEP);
      seen.add(next.percentage());
      status = next.status();
    }
    assertThat(seen).containsExactly(1.0, 10.0, 50.0, 100.0);
    assertThat(status.getStep()).isEqualTo(3);
    assertThat(status.getMessage()).startsWith("step 4 of 4 (100% of time) since");

    Decision done = at(plan, status, now.plus(Duration.ofMinutes(30)));
    assertThat(done.status().getPhase()).isEqualTo("Completed");
    assertThat(done.enabled()).isTrue();
    assertThat(done.percentage()).as("fully on, no percentage").isNull();
    assertThat(done.status().getEffectivePercentage()).isEqualTo(100.0);
    assertThat(done.requeueAfter()).isNull();
    assertThat(at(plan, done.status(), now.plus(Duration.ofDays(3))).transitions()).isEmpty();
  }

  @Test
  void aLateLookNeitherSkipsNorRepeatsAStep() {
    Rollout plan = fourSteps();
    RolloutStatus started = at(plan, null, T0).status();
    // the operator was down for three hours: one step forward, and that step lasts its full pause from now
    Instant late = T0.plus(Duration.ofHours(3));
    Decision d = at(plan, started, late);
    assertThat(d.status().getStep()).isEqualTo(1);
    assertThat(d.status().getStepStartedAt()).isEqualTo(late.toString());
    assertThat(at(plan, d.status(), late.plusSeconds(1)).status().getStep()).isEqualTo(1);
  }

  @Test
  void pausingStopsTheStepTimerAndResumingContinuesWhereItWas() {
    Rollout plan = fourSteps();
    RolloutStatus s = at(plan, null, T0).status();
    plan.setPaused(true);
    Decision paused = at(plan, s, T0.plus(Duration.ofMinutes(4)));
    assertThat(paused.status().getPhase()).isEqualTo("Paused");
    assertThat(paused.status().getReason()).isEqualTo("Paused");
    assertThat(paused.percentage()).isEqualTo(1.0);
    assertThat(paused.requeueAfter()).isNull();
    // an hour later, still paused: no step
    Decision still = at(plan, paused.status(), T0.plus(Duration.ofMinutes(64)));
    assertThat(still.status().getStep()).isZero();
    assertThat(still.transitions()).isEmpty();

    plan.setPaused(false);
    Decision resumed = at(plan, still.status(), T0.plus(Duration.ofMinutes(64)));
    assertThat(resumed.status().getPhase()).isEqualTo("Progressing");
    assertThat(resumed.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.RESUMED);
    assertThat(resumed.requeueAfter()).isEqualTo(Duration.ofMinutes(5)); // 6 minutes left, capped at 5
    assertThat(at(plan, resumed.status(), T0.plus(Duration.ofMinutes(69))).status().getStep()).isZero();
    assertThat(at(plan, resumed.status(), T0.plus(Duration.ofMinutes(70))).status().getStep()).isEqualTo(1);
  }

  @Test
  void aNewPlanRestartsUnlessTheStepsSoFarAreUnchanged() {
    Rollout plan = fourSteps();
    RolloutStatus s = at(plan, null, T0).status();
    s = at(plan, s, T0.plus(Duration.ofMinutes(10))).status(); // step 1 (10%)

    Rollout longerLastStep = fourSteps();
    longerLastStep.getSteps().set(3, new RolloutStep(100, "2h"));
    Decision kept = at(longerLastStep, s, T0.plus(Duration.ofMinutes(11)));
    assertThat(kept.status().getStep()).isEqualTo(1);
    assertThat(kept.percentage()).isEqualTo(10.0);
    assertThat(kept.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.PLAN_CHANGED);

    Rollout changedFirstStep = fourSteps();
    changedFirstStep.getSteps().set(0, new RolloutStep(5, "10m"));
    Decision restarted = at(changedFirstStep, s, T0.plus(Duration.ofMinutes(11)));
    assertThat(restarted.status().getStep()).isZero();
    assertThat(restarted.percentage()).isEqualTo(5.0);
    assertThat(restarted.status().getStepStartedAt()).isEqualTo(T0.plus(Duration.ofMinutes(11)).toString());
    assertThat(restarted.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.RESTARTED);
  }

  @Test
  void failedChecksRollBackAtTheFailureLimitAndStayOffUntilRetried() {
    Rollout plan = withAnalysis(fourSteps(), 2);
    Function<Analysis, AnalysisResult> failing = a -> AnalysisResult.failed(List.of("error-ratio: 0.5 > max 0.05"));
    RolloutStatus s = decide(plan, null, "a", T0, NEVER).status();
    assertThat(decide(plan, s, "a", T0.plusSeconds(30), NEVER).transitions()).isEmpty();

    Decision first = decide(plan, s, "a", T0.plusSeconds(60), failing);
    assertThat(first.status().getPhase()).isEqualTo("Progressing");
    assertThat(first.status().getConsecutiveFailures()).isEqualTo(1);
    assertThat(first.status().getFailedChecks()).containsExactly("error-ratio: 0.5 > max 0.05");
    assertThat(first.requeueAfter()).isEqualTo(Duration.ofMinutes(1));

    Decision second = decide(plan, first.status(), "a", T0.plusSeconds(120), failing);
    assertThat(second.status().getPhase()).isEqualTo("RolledBack");
    assertThat(second.enabled()).isFalse();
    assertThat(second.status().getEffectivePercentage()).isZero();
    assertThat(second.requeueAfter()).isNull();
    assertThat(second.status().getMessage()).isEqualTo("rolled back after error-ratio failed 2 times "
        + "(error-ratio: 0.5 > max 0.05): change the rollout in Git (or annotate flagstaff.dev/retry-rollout=<any new "
        + "value>) to try again");
    assertThat(second.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.ROLLED_BACK);

    // stays off, however long, while neither plan nor annotation changes
    Decision later = decide(plan, second.status(), "a", T0.plus(Duration.ofDays(2)), NEVER);
    assertThat(later.enabled()).isFalse();
    assertThat(later.transitions()).isEmpty();

    Decision retried = decide(plan, later.status(), "b", T0.plus(Duration.ofDays(2)), NEVER);
    assertThat(retried.enabled()).isTrue();
    assertThat(retried.percentage()).isEqualTo(1.0);
    assertThat(retried.status().getRetry()).isEqualTo("b");
    assertThat(retried.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.RETRIED);
  }

  @Test
  void aRetryValueRetriesOnceSoAnOldValuePutBackCannotLoopTheRollback() {
    Rollout plan = withAnalysis(fourSteps(), 1);
    Function<Analysis, AnalysisResult> failing = a -> AnalysisResult.failed(List.of("error-ratio: 0.5 > max 0.05"));
    // committed in Git with retry-rollout=0; rolled back at the first failed run
    RolloutStatus s = decide(plan, null, "0", T0, NEVER).status();
    s = decide(plan, s, "0", T0.plusSeconds(60), failing).status();
    assertThat(s.getPhase()).isEqualTo("RolledBack");

    // a person annotates 1: retried, and rolled back again
    Decision retried = decide(plan, s, "1", T0.plusSeconds(70), NEVER);
    assertThat(retried.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.RETRIED);
    assertThat(retried.status().getRetriesUsed()).containsExactly("0", "1");
    s = decide(plan, retried.status(), "1", T0.plusSeconds(130), failing).status();
    assertThat(s.getPhase()).isEqualTo("RolledBack");

    // Argo CD self-heal puts 0 back, then someone re-applies 1: neither retries
    for (String old : List.of("0", "1", "0")) {
      Decision again = decide(plan, s, old, T0.plusSeconds(200), NEVER);
      assertThat(again.enabled()).isFalse();
      assertThat(again.transitions()).isEmpty();
      s = again.status();
    }
    // a value never used retries once more
    assertThat(decide(plan, s, "2", T0.plusSeconds(300), NEVER).transitions())
        .extracting(RolloutEngine.Transition::change).containsExactly(Change.RETRIED);
  }

  @Test
  void aPassingRunClearsTheFailureCount() {
    Rollout plan = withAnalysis(fourSteps(), 2);
    RolloutStatus s = at(plan, null, T0).status();
    s = decide(plan, s, null, T0.plusSeconds(60),
        a -> AnalysisResult.failed(List.of("error-ratio: 1 > max 0.05"))).status();
    s = decide(plan, s, null, T0.plusSeconds(120), a -> AnalysisResult.passed(null)).status();
    assertThat(s.getConsecutiveFailures()).isZero();
    assertThat(s.getFailedChecks()).isEmpty();
    s = decide(plan, s, null, T0.plusSeconds(180),
        a -> AnalysisResult.failed(List.of("error-ratio: 1 > max 0.05"))).status();
    assertThat(s.getPhase()).isEqualTo("Progressing");
  }

  @Test
  void prometheusUnreachablePausesWithoutAdvancingOrRollingBackThenResumes() {
    Rollout plan = withAnalysis(fourSteps(), 1);
    RolloutStatus s = at(plan, null, T0).status();
    Decision down = decide(plan, s, null, T0.plus(Duration.ofMinutes(9)),
        a -> AnalysisResult.unavailable("connection refused"));
    assertThat(down.status().getPhase()).isEqualTo("Paused");
    assertThat(down.status().getReason()).isEqualTo("AnalysisUnavailable");
    assertThat(down.status().getMessage()).contains("cannot reach Prometheus (connection refused)");
    assertThat(down.enabled()).isTrue();
    assertThat(down.percentage()).isEqualTo(1.0);
    assertThat(down.requeueAfter()).isEqualTo(Duration.ofMinutes(1));

    // past the step's end, still unreachable: no step, no rollback
    Decision stillDown = decide(plan, down.status(), null, T0.plus(Duration.ofMinutes(30)),
        a -> AnalysisResult.unavailable("connection refused"));
    assertThat(stillDown.status().getStep()).isZero();
    assertThat(stillDown.status().getPhase()).isEqualTo("Paused");
    assertThat(stillDown.transitions()).isEmpty();

    Decision back = decide(plan, stillDown.status(), null, T0.plus(Duration.ofMinutes(31)),
        a -> AnalysisResult.passed(null));
    assertThat(back.status().getPhase()).isEqualTo("Progressing");
    assertThat(back.status().getStep()).as("the minute left of the step is still to run").isZero();
    assertThat(back.transitions()).extracting(RolloutEngine.Transition::change).containsExactly(Change.RESUMED);
  }

  @Test
  void aQueryPrometheusRefusesFailsTheRolloutHoldingItsPercentage() {
    Rollout plan = withAnalysis(fourSteps(), 1);
    RolloutStatus s = at(plan, null, T0).status();
    Decision d = decide(plan, s, null, T0.plusSeconds(60),
        a -> AnalysisResult.refused("error-ratio: bad_data: parse error"));
    assertThat(d.status().getPhase()).isEqualTo("Failed");
    assertThat(d.percentage()).isEqualTo(1.0);
    assertThat(d.requeueAfter()).isNull();
  }
}
