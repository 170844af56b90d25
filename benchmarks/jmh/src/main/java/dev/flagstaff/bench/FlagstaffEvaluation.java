package dev.flagstaff.bench;

import dev.flagstaff.flags.FlagEvaluator;
import dev.flagstaff.flags.FlagState;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Flagstaff as a reader uses it: the flag looked up by key in an immutable snapshot held in a volatile field
 * (what the Slack endpoint's FlagsStore does), then {@link FlagEvaluator#isEnabled}. This is the figure compared
 * with the peers, which also look the flag up by name.
 */
@State(Scope.Thread)
public class FlagstaffEvaluation extends EvaluationBenchmark {
  private volatile Map<String, FlagState> flags;

  @Setup
  public void setUp() {
    flags = Map.of(
        Shapes.FULLY_ON, Shapes.fullyOnState(),
        Shapes.PERCENTAGE, Shapes.percentageState(),
        Shapes.ACTOR_LIST, Shapes.actorListState());
    Agreement.check("Flagstaff (snapshot)", a -> enabled(Shapes.FULLY_ON, a), a -> enabled(Shapes.PERCENTAGE, a),
        a -> enabled(Shapes.ACTOR_LIST, a));
  }

  private boolean enabled(String key, String actor) {
    return FlagEvaluator.isEnabled(key, flags.get(key), actor);
  }

  @Benchmark
  public boolean fullyOn() {
    return enabled(Shapes.FULLY_ON, nextActor());
  }

  @Benchmark
  public boolean percentageOfActors() {
    return enabled(Shapes.PERCENTAGE, nextActor());
  }

  @Benchmark
  public boolean actorList() {
    return enabled(Shapes.ACTOR_LIST, nextListed());
  }
}
