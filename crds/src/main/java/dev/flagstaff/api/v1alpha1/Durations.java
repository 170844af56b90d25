package dev.flagstaff.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;

/**
 * Durations written the Kubernetes way: {@code 30s}, {@code 10m}, {@code 1h}, {@code 1h30m}, {@code 500ms}, at most
 * {@link #MAX_TEXT}. The CRD refuses a longer one with {@link #BOUND_RULE}; {@link #parse} saturates at
 * {@link #MAX}, so arithmetic on a duration that slipped past the API server (an older CRD) can never overflow.
 */
public final class Durations {
  /** The schema pattern: one or more number-unit pairs, units ms, s, m, h. */
  public static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";
  /** The longest duration a FeatureFlag may hold anywhere (a pause, a verification term, an interval). */
  public static final String MAX_TEXT = "8760h";
  public static final Duration MAX = Duration.ofHours(8760);
  /**
   * Digits per unit that CEL's {@code duration()} parses without overflowing, in any combination of at most 32
   * characters (at most 99999h, 9999999m, 999999999s, 999999999999ms per part).
   */
  static final String PARSEABLE = "^([0-9]{1,12}ms|[0-9]{1,9}s|[0-9]{1,7}m|[0-9]{1,5}h)+$";
  /**
   * The CEL rule on every duration field: parseable and at most {@link #MAX_TEXT}. A value that does not match
   * {@link #PATTERN} is left to the schema's pattern, so it is refused for that reason only.
   */
  public static final String BOUND_RULE = "!self.matches('" + PATTERN + "') || (self.matches('" + PARSEABLE
      + "') && duration(self) <= duration('" + MAX_TEXT + "'))";
  public static final String BOUND_MESSAGE = "must be a duration of at most " + MAX_TEXT + " (365 days)";

  private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);
  private static final java.util.regex.Pattern BOUNDED = java.util.regex.Pattern.compile(PARSEABLE);
  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /**
   * The duration, saturated at {@link #MAX}: however many digits {@code text} holds, nothing overflows.
   *
   * @throws IllegalArgumentException when {@code text} does not match {@link #PATTERN}
   */
  public static Duration parse(String text) {
    if (text == null || text.length() > 32 || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + shown(text) + "' is not a duration like 30s, 10m, 1h or 1h30m");
    }
    return Duration.ofMillis(Math.min(saturatedMillis(text), MAX.toMillis()));
  }

  /** Whether {@code text} is a valid duration of at most {@link #MAX_TEXT}: the CRD's pattern and its CEL rule. */
  public static boolean isValid(String text) {
    return problem(text) == null;
  }

  /** What is wrong with {@code text} as a duration, in the CRD's words, or {@code null}. */
  public static String problem(String text) {
    if (text == null || text.length() > 32 || !WHOLE.matcher(text).matches()) {
      return "must be a duration like 30s, 10m, 1h or 1h30m";
    }
    if (!BOUNDED.matcher(text).matches() || saturatedMillis(text) > MAX.toMillis()) {
      return BOUND_MESSAGE;
    }
    return null;
  }

  /** The sum in milliseconds, or {@code MAX + 1 ms} as soon as it passes {@link #MAX}. */
  private static long saturatedMillis(String text) {
    long limit = MAX.toMillis();
    long total = 0;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      String digits = m.group(1).replaceFirst("^0+(?=.)", "");
      if (digits.length() > 12) {
        return limit + 1; // at least 10^12 ms: far past MAX
      }
      long unit = switch (m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        default -> 3_600_000;
      };
      total += Long.parseLong(digits) * unit; // below 10^12 * 3.6 * 10^6 per part, and total <= limit: no overflow
      if (total > limit) {
        return limit + 1;
      }
    }
    return total;
  }

  private static String shown(String text) {
    return text == null || text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
