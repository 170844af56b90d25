package dev.flagstaff.flags;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What a resolved flag means for one request:
 * <ol>
 *   <li>unknown flag or {@code enabled:false} → off;</li>
 *   <li>actor in {@code actors} → on;</li>
 *   <li>no percentage → on;</li>
 *   <li>strategy actors → on iff an actor is given and its {@link ActorBucket} is inside the percentage;</li>
 *   <li>strategy random → on with probability percentage/100, drawn on each call.</li>
 * </ol>
 * Takes no lock and allocates nothing, except once per flag state: its first percentage-of-actors evaluation
 * remembers the key's share of the bucket hash ({@link FlagState#keyRegister}).
 */
public final class FlagEvaluator {
  private FlagEvaluator() {}

  /**
   * @param state the flag's resolved state, or {@code null} when the flag is unknown
   * @param actor the actor id, or {@code null} when the caller has none
   */
  public static Decision evaluate(String key, FlagState state, String actor) {
    if (state == null) {
      return Decision.UNKNOWN_FLAG;
    }
    if (!state.enabled()) {
      return Decision.DISABLED;
    }
    if (actor != null && !state.actors().isEmpty() && state.actorSet().contains(actor)) {
      return Decision.ACTOR_LISTED;
    }
    if (!state.hasPercentage()) {
      return Decision.FULLY_ON;
    }
    if (state.strategy() == Strategy.ACTORS) {
      if (actor == null || actor.isEmpty()) {
        return Decision.NO_ACTOR;
      }
      return ActorBucket.inPercentage(state.keyRegister(key), actor, state.percentage())
          ? Decision.ACTOR_IN_PERCENTAGE
          : Decision.ACTOR_OUTSIDE_PERCENTAGE;
    }
    return ThreadLocalRandom.current().nextDouble() * 100 < state.percentage()
        ? Decision.RANDOM_ON
        : Decision.RANDOM_OFF;
  }

  public static boolean isEnabled(String key, FlagState state, String actor) {
    return evaluate(key, state, actor).enabled();
  }
}
