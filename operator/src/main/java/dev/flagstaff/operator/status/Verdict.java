package dev.flagstaff.operator.status;

import dev.flagstaff.flags.FlagState;
import dev.flagstaff.flags.StateWords;

/**
 * What a reconcile concluded about one flag: applied to the ConfigMap, or refused with one of the fixed
 * reasons of {@code FlagEvents}.
 *
 * @param state the state in words that is in effect for this flag (what its key in the ConfigMap says), or null
 */
public record Verdict(boolean applied, String reason, String message, String state) {
  public static final String APPLIED = "Applied";

  /** The rollout turned the flag off: applied, with the reason saying why it is off. */
  public static final String ROLLED_BACK = "RolledBack";

  public static Verdict applied(String environment, FlagState resolved) {
    return applied(environment, resolved, APPLIED);
  }

  public static Verdict applied(String environment, FlagState resolved, String reason) {
    String words = StateWords.of(resolved);
    return new Verdict(true, reason, environment + ": " + words + (ROLLED_BACK.equals(reason) ? ", rolled back" : "")
        + " (generation " + resolved.generation() + ")", words);
  }

  public static Verdict refused(String reason, String message, String stateStillInEffect) {
    return new Verdict(false, reason, Conditions.bounded(message), stateStillInEffect);
  }
}
