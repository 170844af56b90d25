package dev.flagstaff.bench;

import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.Strategy;
import java.util.List;

/**
 * The three flag shapes of P1, defined once so that every implementation evaluates the same thing: a fully-on
 * flag, a 25%-of-actors flag and an actor-list flag of ten ids. Actors rotate through a precomputed pool so the JIT
 * cannot constant-fold the answer.
 */
final class Shapes {
  static final String FULLY_ON = "checkout-v2";
  static final String PERCENTAGE = "new-search";
  static final String ACTOR_LIST = "beta-dashboard";

  static final double PERCENT = 25;

  /** Slack-like user ids; the queried actor of the actor-list shape is always one of these. */
  static final List<String> LISTED = List.of(
      "U01A2B3C4D5", "U02B3C4D5E6", "U03C4D5E6F7", "U04D5E6F7G8", "U05E6F7G8H9",
      "U06F7G8H9J0", "U07G8H9J0K1", "U08H9J0K1L2", "U09J0K1L2M3", "U10K1L2M3N4");

  /** Pool size for the rotating actors; a power of two so that the index wraps with a mask. */
  static final int POOL = 1024;
  static final int MASK = POOL - 1;

  /** Actors used to check that a peer's answers agree with ours before it is measured. */
  static final int AGREEMENT_SAMPLE = 10_000;

  private Shapes() {}

  /** Flagstaff's state for each shape, as the operator would write it into the ConfigMap. */
  static FlagState fullyOnState() {
    return FlagState.on(1);
  }

  static FlagState percentageState() {
    return FlagState.of(true, PERCENT, Strategy.ACTORS, List.of(), 1);
  }

  /** Enabled, 0% of actors, plus the listed actors: on exactly for the list. */
  static FlagState actorListState() {
    return FlagState.of(true, 0.0, Strategy.ACTORS, LISTED, 1);
  }

  /** Actor {@code n} of the general population, shaped like a Slack user id. */
  static String actor(int n) {
    return String.format("U%010d", n);
  }

  static String[] population(int size) {
    String[] actors = new String[size];
    for (int i = 0; i < size; i++) {
      actors[i] = actor(i * 7919 + 17);
    }
    return actors;
  }

  /** The listed actors repeated to fill the pool, so every query of the actor-list shape hits the list. */
  static String[] listedPool() {
    String[] actors = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      actors[i] = LISTED.get(i % LISTED.size());
    }
    return actors;
  }
}
