package dev.flagstaff.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;

/** Durations written the Kubernetes way: {@code 30s}, {@code 10m}, {@code 1h}, {@code 1h30m}, {@code 500ms}. */
public final class Durations {
  /** The schema pattern: one or more number-unit pairs, units ms, s, m, h. */
  public static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";

  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** @throws IllegalArgumentException when {@code text} does not match {@link #PATTERN} */
  public static Duration parse(String text) {
    if (text == null || text.length() > 32 || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 10m, 1h or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": total = total.plusMillis(amount); break;
        case "s": total = total.plusSeconds(amount); break;
        case "m": total = total.plusMinutes(amount); break;
        default: total = total.plusHours(amount);
      }
    }
    return total;
  }

  /** Whether {@code text} is a valid duration. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
  }
}
