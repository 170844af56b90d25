package dev.flagstaff.operator.status;

import dev.flagstaff.api.v1alpha1.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The seed's "wait at least one day": how long a flag has been fully on in the verification environment, and whether
 * that is long enough ({@code spec.verification}, 24h by default) to remove it from the code.
 *
 * @param fullyOnSince since when the flag is fully on (RFC 3339), or null when it is not
 * @param ready whether the term has passed
 * @param wakeAfter when the term will have passed, or null when it has or the flag is not fully on
 */
public record VerificationTerm(String environment, String fullyOnSince, Duration term, boolean ready, Duration wakeAfter) {
  public static final Duration DEFAULT_TERM = Duration.ofHours(24);

  /**
   * @param fullyOn whether the state in effect is fully on
   * @param previousSince the status's fullyOnSince so far, or null
   * @param verification spec.verification, or null for the default
   */
  public static VerificationTerm of(String environment, boolean fullyOn, String previousSince, String verification,
      Instant now) {
    Duration term = verification == null || !Durations.isValid(verification)
        ? DEFAULT_TERM : Durations.parse(verification);
    if (!fullyOn) {
      return new VerificationTerm(environment, null, term, false, null);
    }
    String since = previousSince != null ? previousSince : now.truncatedTo(ChronoUnit.SECONDS).toString();
    Instant due = Instant.parse(since).plus(term);
    boolean ready = !now.isBefore(due);
    return new VerificationTerm(environment, since, term, ready, ready ? null : Duration.between(now, due));
  }

  /** {@code 24h}, {@code 1h30m}, {@code 45s}: the term as people write it. */
  public String termWords() {
    long seconds = term.toSeconds();
    StringBuilder words = new StringBuilder();
    if (seconds / 3600 > 0) words.append(seconds / 3600).append('h');
    if (seconds % 3600 / 60 > 0) words.append(seconds % 3600 / 60).append('m');
    if (seconds % 60 > 0 || words.length() == 0) words.append(seconds % 60).append('s');
    return words.toString();
  }

  public String readyMessage() {
    return "fully on in " + environment + " since " + fullyOnSince + " (" + termWords()
        + "): remove the flag from the code, then delete this FeatureFlag";
  }

  public String verifyingMessage() {
    return "fully on in " + environment + " since " + fullyOnSince + "; ready for cleanup at "
        + Instant.parse(fullyOnSince).plus(term) + " (" + termWords() + ")";
  }
}
