package dev.flagstaff.operator.rollout;

import java.util.List;

/**
 * What one analysis run found.
 *
 * @param failedChecks for {@link Outcome#FAILED}: each failed check with its value, e.g. {@code error-ratio: 0.2 > max 0.05}
 * @param detail what else to tell the user: queries without data, why Prometheus could not be asked
 */
public record AnalysisResult(Outcome outcome, List<String> failedChecks, String detail) {
  public enum Outcome {
    /** Every check within its bounds (a query without data fails no check). */
    PASSED,
    /** At least one check out of its bounds. */
    FAILED,
    /** Prometheus could not be asked or did not answer: retried at the next interval. */
    UNAVAILABLE,
    /** Prometheus refused a query (bad PromQL): retrying will not help until the plan changes. */
    REFUSED
  }

  public AnalysisResult {
    failedChecks = failedChecks == null ? List.of() : List.copyOf(failedChecks);
  }

  public static AnalysisResult passed(String detail) {
    return new AnalysisResult(Outcome.PASSED, List.of(), detail);
  }

  public static AnalysisResult failed(List<String> failedChecks) {
    return new AnalysisResult(Outcome.FAILED, failedChecks, null);
  }

  public static AnalysisResult unavailable(String why) {
    return new AnalysisResult(Outcome.UNAVAILABLE, List.of(), why);
  }

  public static AnalysisResult refused(String why) {
    return new AnalysisResult(Outcome.REFUSED, List.of(), why);
  }
}
