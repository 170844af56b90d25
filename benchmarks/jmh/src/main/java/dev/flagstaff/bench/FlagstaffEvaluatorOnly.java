package dev.flagstaff.bench;

import dev.flagstaff.flags.FlagEvaluator;
import dev.flagstaff.flags.FlagState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@link FlagEvaluator#isEnabled} alone, the state already in hand: the hot path the 25 ns / 0 B target is about. */
@State(Scope.Thread)
public class FlagstaffEvaluatorOnly extends EvaluationBenchmark {
  private FlagState fullyOn;
  private FlagState percentage;
  private FlagState actorList;

  @Setup
  public void setUp() {
    fullyOn = Shapes.fullyOnState();
    percentage = Shapes.percentageState();
    actorList = Shapes.actorListState();
  }

  @Benchmark
  public boolean fullyOn() {
    return FlagEvaluator.isEnabled(Shapes.FULLY_ON, fullyOn, nextActor());
  }

  @Benchmark
  public boolean percentageOfActors() {
    return FlagEvaluator.isEnabled(Shapes.PERCENTAGE, percentage, nextActor());
  }

  @Benchmark
  public boolean actorList() {
    return FlagEvaluator.isEnabled(Shapes.ACTOR_LIST, actorList, nextListed());
  }
}
