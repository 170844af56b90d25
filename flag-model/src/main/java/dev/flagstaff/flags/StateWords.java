package dev.flagstaff.flags;

import java.math.BigDecimal;

/** A resolved state in words, for printer columns, Events and announcements. */
public final class StateWords {
  private StateWords() {}

  public static String of(FlagState state) {
    if (!state.enabled()) {
      return "Disabled";
    }
    if (!state.hasPercentage()) {
      return "Enabled";
    }
    String words = formatPercentage(state.percentage())
        + (state.strategy() == Strategy.ACTORS ? "% of actors" : "% of time");
    int listed = state.actors().size();
    if (listed > 0) {
      words += " + " + listed + (listed == 1 ? " actor" : " actors");
    }
    return words;
  }

  /** 25 → "25", 5.395 → "5.395": no trailing zeros, no exponent. */
  public static String formatPercentage(double percentage) {
    if (percentage == Math.rint(percentage)) {
      return Long.toString((long) percentage);
    }
    return BigDecimal.valueOf(percentage).stripTrailingZeros().toPlainString();
  }
}
