package dev.flagstaff.bench;

import dev.flagstaff.flags.FlagEvaluator;
import java.util.function.Predicate;

/**
 * Checks in {@code @Setup} that a peer answers like Flagstaff for each shape, so a misconfigured peer (a flag
 * not found, a strategy not applied) fails the run instead of producing a fast, meaningless number.
 */
final class Agreement {
  private Agreement() {}

  static void check(String peer, Predicate<String> fullyOn, Predicate<String> percentage, Predicate<String> listed) {
    String[] sample = Shapes.population(Shapes.AGREEMENT_SAMPLE);
    int on = 0;
    int ours = 0;
    for (String actor : sample) {
      require(fullyOn.test(actor), peer, "fully-on flag is off for " + actor);
      if (percentage.test(actor)) {
        on++;
      }
      if (FlagEvaluator.isEnabled(Shapes.PERCENTAGE, Shapes.percentageState(), actor)) {
        ours++;
      }
      require(!listed.test(actor), peer, "actor-list flag is on for unlisted " + actor);
    }
    double share = 100.0 * on / sample.length;
    require(share >= 20 && share <= 30, peer,
        String.format("25%% flag is on for %.1f%% of %d actors (Flagstaff: %.1f%%)",
            share, sample.length, 100.0 * ours / sample.length));
    for (String actor : Shapes.LISTED) {
      require(listed.test(actor), peer, "actor-list flag is off for listed " + actor);
    }
    System.out.printf("%n[agreement] %s: fully-on 100%%, 25%% flag on for %.2f%% of %d actors (Flagstaff %.2f%%),"
        + " actor list on for all %d listed and none of the others%n",
        peer, share, sample.length, 100.0 * ours / sample.length, Shapes.LISTED.size());
  }

  private static void require(boolean ok, String peer, String what) {
    if (!ok) {
      throw new IllegalStateException(peer + " disagrees with Flagstaff: " + what);
    }
  }
}
