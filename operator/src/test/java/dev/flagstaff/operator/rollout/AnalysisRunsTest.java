package dev.flagstaff.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.operator.rollout.RolloutEngine.Decision;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * The analysis as data: the engine names the run a due analysis needs and holds the step until that run's result
 * is given; {@link AnalysisRuns} starts each run once, keeps its answer and wakes the flag when it comes.
 */
class AnalysisRunsTest {

  @Test
  void aDueAnalysisIsAskedForAndHoldsTheStepUntilItsResultIsGiven() {
    Rollout plan = RolloutEngineTest.withAnalysis(RolloutEngineTest.fourSteps(), 2);
    plan.getSteps().set(0, new RolloutStep(1, "1m")); // the first step's pause ends as the checks fall due
    RolloutStatus s = RolloutEngine.decide(plan, null, null, RolloutEngineTest.T0, null).status();
    assertThat(RolloutEngine.decide(plan, s, null, RolloutEngineTest.T0.plusSeconds(59), null).analysisNeeded()).isNull();

    Decision waiting = RolloutEngine.decide(plan, s, null, RolloutEngineTest.T0.plusSeconds(60), null);
    AnalysisRun run = waiting.analysisNeeded();
    assertThat(run).isNotNull();
    assertThat(run.analysis()).isSameAs(plan.getAnalysis());
    assertThat(waiting.percentage()).isEqualTo(1.0); // no step is passed unchecked
    assertThat(waiting.status().getStep()).isZero();
    assertThat(waiting.transitions()).isEmpty();
    assertThat(waiting.requeueAfter()).isNull(); // the answer wakes the flag, not a timer
    // reconciled again meanwhile: the same run, not a second one
    assertThat(RolloutEngine.decide(plan, s, null, RolloutEngineTest.T0.plusSeconds(61), null).analysisNeeded().id())
        .isEqualTo(run.id());

    // the result of another run (an older interval, an older plan) is not this one's
    Decision stale = RolloutEngine.decide(plan, s, null, RolloutEngineTest.T0.plusSeconds(62),
        new AnalysisRun.Result("older", AnalysisResult.failed(List.of("error-ratio: 1 > max 0.05"))));
    assertThat(stale.status().getConsecutiveFailures()).isZero();
    assertThat(stale.analysisNeeded().id()).isEqualTo(run.id());

    Decision passed = RolloutEngine.decide(plan, s, null, RolloutEngineTest.T0.plusSeconds(62),
        new AnalysisRun.Result(run.id(), AnalysisResult.passed(null)));
    assertThat(passed.analysisNeeded()).isNull();
    assertThat(passed.percentage()).isEqualTo(10.0);
    assertThat(passed.status().getLastAnalysisAt()).isEqualTo("2026-03-02T09:01:02Z");
    // one interval on, the same result is spent: the next run is asked for
    Decision next = RolloutEngine.decide(plan, passed.status(), null, RolloutEngineTest.T0.plusSeconds(122),
        new AnalysisRun.Result(run.id(), AnalysisResult.passed(null)));
    assertThat(next.analysisNeeded().id()).isNotEqualTo(run.id());
    assertThat(next.status().getLastAnalysisAt()).isEqualTo("2026-03-02T09:01:02Z");
  }

  @Test
  void eachRunIsStartedOnceItsAnswerKeptAndTheFlagWokenOnce() {
    List<CompletableFuture<AnalysisResult>> asked = new ArrayList<>();
    List<String> woken = new ArrayList<>();
    AnalysisRuns<String> runs = new AnalysisRuns<>(analysis -> {
      CompletableFuture<AnalysisResult> answer = new CompletableFuture<>();
      asked.add(answer);
      return answer;
    }, woken::add);
    AnalysisRun first = new AnalysisRun("plan/step 0/after 09:00", null);

    runs.start("flags/checked", first);
    runs.start("flags/checked", first); // reconciled again while it runs
    assertThat(asked).hasSize(1);
    assertThat(runs.finished("flags/checked")).isNull();
    assertThat(woken).isEmpty();

    asked.get(0).complete(AnalysisResult.passed(null));
    assertThat(woken).containsExactly("flags/checked");
    assertThat(runs.finished("flags/checked").id()).isEqualTo(first.id());
    assertThat(runs.finished("flags/checked").result().outcome()).isEqualTo(AnalysisResult.Outcome.PASSED);
    runs.start("flags/checked", first); // answered already: kept, not asked again
    assertThat(asked).hasSize(1);

    // the next interval replaces the run; an answer to a replaced run wakes nobody
    AnalysisRun second = new AnalysisRun("plan/step 0/after 09:01", null);
    runs.start("flags/checked", second);
    AnalysisRun third = new AnalysisRun("plan/step 1/after 09:02", null);
    runs.start("flags/checked", third);
    asked.get(1).complete(AnalysisResult.passed(null));
    assertThat(woken).hasSize(1);
    assertThat(runs.finished("flags/checked")).isNull();
  }

  @Test
  void anAnalystThatFailsGivesAnUnavailableResultNotAStuckRun() {
    AtomicInteger wakes = new AtomicInteger();
    AnalysisRuns<String> runs = new AnalysisRuns<>(analysis -> {
      throw new IllegalStateException("no HTTP client");
    }, key -> wakes.incrementAndGet());
    runs.start("flags/checked", new AnalysisRun("plan/step 0/after 09:00", null));
    assertThat(runs.finished("flags/checked").result().outcome()).isEqualTo(AnalysisResult.Outcome.UNAVAILABLE);
    assertThat(runs.finished("flags/checked").result().detail()).contains("no HTTP client");
    assertThat(wakes).hasValue(1);
  }
}
