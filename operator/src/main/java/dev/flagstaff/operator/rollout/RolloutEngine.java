package dev.flagstaff.operator.rollout;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.api.v1alpha1.Durations;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import dev.flagstaff.flags.StateWords;
import dev.flagstaff.flags.Strategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The rollout plan as a pure function: from the plan (the spec), the progress so far (the status), the time and
 * the analysis, the next progress, the state to put in effect, when to look again and what changed. Knows nothing
 * of Kubernetes; the reconciler feeds it and applies what it decides.
 *
 * <ul>
 *   <li>A rollout starts at step 0. A step lasts its pause; then the next one starts (at the time it is reached, so
 *       an operator down for a while neither repeats nor skips a step). The last step's pause elapsed: Completed,
 *       fully on.
 *   <li>A new plan (its hash differs from status.planHash) restarts at step 0, unless the strategy and the steps up
 *       to the current one are unchanged: then the progress is kept. A RolledBack or Failed rollout always restarts.
 *   <li>{@code paused: true} holds the current step and stops its timer; resuming moves stepStartedAt forward by
 *       the time spent paused.
 *   <li>With analysis, the checks run every interval (first one interval after the start). A run fails when any
 *       check fails; failureLimit failed runs in a row roll the flag back to off (RolledBack) until the plan changes
 *       or the annotation {@value #RETRY_ANNOTATION} takes a new value. Prometheus unreachable: Paused with reason
 *       AnalysisUnavailable (nothing advances, nothing rolls back) and retried every interval. A query Prometheus
 *       refuses: Failed, holding the current percentage until the plan changes.
 * </ul>
 */
public final class RolloutEngine {
  public static final String RETRY_ANNOTATION = "flagstaff.dev/retry-rollout";

  public static final String PROGRESSING = "Progressing";
  public static final String PAUSED = "Paused";
  public static final String COMPLETED = "Completed";
  public static final String ROLLED_BACK = "RolledBack";
  public static final String FAILED = "Failed";

  /** Reasons beside the phase names. */
  public static final String ANALYSIS_UNAVAILABLE = "AnalysisUnavailable";
  public static final String ANALYSIS_FAILED = "AnalysisFailed";
  public static final String QUERY_REFUSED = "QueryRefused";

  /** Wake-ups are never scheduled further out than this; a reconcile recomputes everything from the status. */
  public static final Duration MAX_WAKE = Duration.ofMinutes(5);
  static final Duration MIN_WAKE = Duration.ofMillis(100);
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  /** How many retry values a status remembers (the CRD's limit). */
  static final int MAX_RETRIES_RECORDED = 32;

  /** What changed in one decision, for Events and announcements. */
  public enum Change { STARTED, RESTARTED, RETRIED, PLAN_CHANGED, STEP, COMPLETED, PAUSED, RESUMED,
    ANALYSIS_UNAVAILABLE, ROLLED_BACK, FAILED }

  /**
   * One change with its explanation in words, e.g. {@code step 2 of 4 (10% of time)}, {@code completed: fully on},
   * {@code error-ratio: 0.5 > max 0.05 at step 2 of 4 (10% of time)} for a rollback.
   */
  public record Transition(Change change, String why) {}

  /**
   * @param enabled whether the flag is on at all
   * @param percentage the share in effect, or null for fully on (Completed) or off
   * @param strategy the plan's strategy when a percentage is in effect
   * @param status the progress to record
   * @param requeueAfter when to look again, or null when nothing is timed (Completed, RolledBack, Failed, Paused
   *     without analysis)
   */
  public record Decision(boolean enabled, Double percentage, Strategy strategy, RolloutStatus status,
      Duration requeueAfter, List<Transition> transitions) {}

  private RolloutEngine() {}

  /**
   * {@link #decide(Rollout, RolloutStatus, String, Instant, AnalysisResult)}, running the checks with {@code analyst}
   * first when {@link #analysisDue} says they are due: the caller's convenience; the engine itself does no I/O.
   */
  public static Decision decide(Rollout plan, RolloutStatus previous, String retry, Instant now,
      Function<Analysis, AnalysisResult> analyst) {
    AnalysisResult result = analysisDue(plan, previous, retry, now) ? analyst.apply(plan.getAnalysis()) : null;
    return decide(plan, previous, retry, now, result);
  }

  /** Whether the plan's checks are due now: a decision at {@code now} would use their result. */
  public static boolean analysisDue(Rollout plan, RolloutStatus previous, String retry, Instant now) {
    if (plan.getAnalysis() == null) {
      return false;
    }
    RolloutStatus s = baseline(plan, previous, retry, now, new ArrayList<>());
    if (ROLLED_BACK.equals(s.getPhase()) || FAILED.equals(s.getPhase())
        || COMPLETED.equals(s.getPhase()) && s.getStep() >= plan.getSteps().size() - 1) {
      return false;
    }
    return !now.isBefore(nextAnalysis(plan.getAnalysis(), s));
  }

  /**
   * @param previous the status so far, or null
   * @param retry the value of the annotation {@value #RETRY_ANNOTATION}, or null
   * @param given the result of the plan's checks, run because {@link #analysisDue} said so; null when they were not
   *     run (a due analysis without a result counts as unavailable)
   */
  public static Decision decide(Rollout plan, RolloutStatus previous, String retry, Instant now,
      AnalysisResult given) {
    List<Transition> changes = new ArrayList<>();
    RolloutStatus s = baseline(plan, previous, retry, now, changes);
    int last = plan.getSteps().size() - 1;

    if (ROLLED_BACK.equals(s.getPhase()) || FAILED.equals(s.getPhase())) {
      return decision(plan, s, null, changes);
    }
    if (COMPLETED.equals(s.getPhase()) && s.getStep() >= last) {
      return decision(plan, s, null, changes);
    }
    if (COMPLETED.equals(s.getPhase())) {
      s.setPhase(PROGRESSING); // the plan grew beyond the completed step: carry on
      s.setReason(null);
    }

    boolean pausedBySpec = Boolean.TRUE.equals(plan.getPaused());
    if (pausedBySpec && !(PAUSED.equals(s.getPhase()) && PAUSED.equals(s.getReason()))) {
      hold(s, PAUSED, now);
      s.setMessage("paused at step " + stepWords(plan, s.getStep()) + ": set rollout.paused to false to resume");
      changes.add(new Transition(Change.PAUSED, "rollout paused at step " + stepWords(plan, s.getStep())));
    } else if (!pausedBySpec && PAUSED.equals(s.getPhase()) && PAUSED.equals(s.getReason())) {
      resume(s, now);
      changes.add(new Transition(Change.RESUMED, "rollout resumed at step " + stepWords(plan, s.getStep())));
    }

    Analysis analysis = plan.getAnalysis();
    if (analysis != null && !now.isBefore(nextAnalysis(analysis, s))) {
      AnalysisResult result = given != null ? given : AnalysisResult.unavailable("the checks were not run");
      s.setLastAnalysisAt(time(now));
      switch (result.outcome()) {
        case UNAVAILABLE:
          s.setFailedChecks(new ArrayList<>());
          s.setMessage("holding step " + stepWords(plan, s.getStep()) + ": the analysis cannot reach Prometheus ("
              + result.detail() + "); retrying every " + interval(analysis).toSeconds() + "s");
          if (!PAUSED.equals(s.getPhase())) {
            hold(s, ANALYSIS_UNAVAILABLE, now);
            changes.add(new Transition(Change.ANALYSIS_UNAVAILABLE,
                "rollout paused: the analysis cannot reach Prometheus (" + result.detail() + ")"));
          }
          break;
        case REFUSED:
          s.setPhase(FAILED);
          s.setReason(QUERY_REFUSED);
          s.setPausedAt(null);
          s.setMessage("Prometheus refused a query (" + result.detail() + "): holding step "
              + stepWords(plan, s.getStep()) + " until the rollout's analysis is fixed in Git");
          changes.add(new Transition(Change.FAILED, "rollout failed: Prometheus refused a query (" + result.detail()
              + ")"));
          return decision(plan, s, null, changes);
        case FAILED:
          int failures = (s.getConsecutiveFailures() == null ? 0 : s.getConsecutiveFailures()) + 1;
          s.setConsecutiveFailures(failures);
          s.setFailedChecks(new ArrayList<>(result.failedChecks()));
          if (failures >= failureLimit(analysis)) {
            String checks = String.join(", ", result.failedChecks());
            s.setPhase(ROLLED_BACK);
            s.setReason(ROLLED_BACK);
            s.setPausedAt(null);
            s.setMessage("rolled back after " + checkNames(result.failedChecks()) + " failed " + failures
                + (failures == 1 ? " time" : " times") + " (" + checks + "): change the rollout in Git (or annotate "
                + RETRY_ANNOTATION + "=<any new value>) to try again");
            changes.add(new Transition(Change.ROLLED_BACK, checks + " at step " + stepWords(plan, s.getStep())));
            return decision(plan, s, null, changes);
          }
          break;
        default:
          s.setConsecutiveFailures(0);
          s.setFailedChecks(new ArrayList<>());
          if (PAUSED.equals(s.getPhase()) && ANALYSIS_UNAVAILABLE.equals(s.getReason())) {
            resume(s, now);
            changes.add(new Transition(Change.RESUMED, "rollout resumed: Prometheus answers again"));
          }
      }
    }

    if (PROGRESSING.equals(s.getPhase())) {
      Instant due = Instant.parse(s.getStepStartedAt()).plus(pause(plan, s.getStep()));
      if (!now.isBefore(due)) {
        if (s.getStep() >= last) {
          s.setPhase(COMPLETED);
          s.setReason(COMPLETED);
          changes.add(new Transition(Change.COMPLETED, "completed: fully on"));
        } else {
          s.setStep(s.getStep() + 1);
          s.setStepStartedAt(time(now));
          s.setProgressHash(progressHash(plan, s.getStep()));
          changes.add(new Transition(Change.STEP, "step " + stepWords(plan, s.getStep())));
        }
      }
      s.setMessage(progressMessage(plan, s));
    }

    Duration wake = null;
    if (PROGRESSING.equals(s.getPhase())) {
      wake = Duration.between(now, Instant.parse(s.getStepStartedAt()).plus(pause(plan, s.getStep())));
    }
    if (analysis != null && (PROGRESSING.equals(s.getPhase()) || PAUSED.equals(s.getPhase()))) {
      Duration toAnalysis = Duration.between(now, nextAnalysis(analysis, s));
      wake = wake == null || toAnalysis.compareTo(wake) < 0 ? toAnalysis : wake;
    }
    return decision(plan, s, wake, changes);
  }

  /** The hash of the whole plan but {@code paused}: any other change is a new plan. */
  public static String planHash(Rollout plan) {
    StringBuilder text = new StringBuilder(progressText(plan, plan.getSteps().size() - 1));
    Analysis analysis = plan.getAnalysis();
    if (analysis != null) {
      text.append("|analysis:").append(analysis.getPrometheus()).append('|').append(interval(analysis).toMillis())
          .append('|').append(failureLimit(analysis));
      for (AnalysisQuery q : analysis.getQueries()) {
        text.append("|q:").append(q.getName()).append('\u0000').append(q.getQuery()).append('\u0000')
            .append(q.getMax()).append('\u0000').append(q.getMin());
      }
    }
    return sha(text.toString());
  }

  static String progressHash(Rollout plan, int step) {
    return sha(progressText(plan, step));
  }

  private static String progressText(Rollout plan, int upTo) {
    StringBuilder text = new StringBuilder(String.valueOf(plan.getStrategy()));
    for (int i = 0; i <= upTo && i < plan.getSteps().size(); i++) {
      RolloutStep step = plan.getSteps().get(i);
      text.append('|').append(step.getPercentage()).append('@').append(Durations.parse(step.getPause()).toMillis());
    }
    return text.toString();
  }

  /** The status to continue from: the previous one, or a fresh start when there is none, a new plan or a retry. */
  private static RolloutStatus baseline(Rollout plan, RolloutStatus previous, String retry, Instant now,
      List<Transition> changes) {
    String hash = planHash(plan);
    if (previous == null || previous.getPlanHash() == null || previous.getStep() == null
        || previous.getStepStartedAt() == null) {
      changes.add(new Transition(Change.STARTED, "rollout started: step " + stepWords(plan, 0)));
      return fresh(plan, hash, retry, null, now);
    }
    boolean over = ROLLED_BACK.equals(previous.getPhase()) || FAILED.equals(previous.getPhase());
    if (!hash.equals(previous.getPlanHash())) {
      int step = previous.getStep();
      if (!over && step < plan.getSteps().size() && progressHash(plan, step).equals(previous.getProgressHash())) {
        RolloutStatus kept = previous.copy();
        kept.setPlanHash(hash);
        changes.add(new Transition(Change.PLAN_CHANGED, "rollout plan changed; steps up to " + stepWords(plan, step)
            + " unchanged, progress kept"));
        return kept;
      }
      changes.add(new Transition(Change.RESTARTED, "new rollout plan: restarted at step " + stepWords(plan, 0)));
      return fresh(plan, hash, retry, previous.getRetriesUsed(), now);
    }
    // a value never seen retries once; an old one put back (Argo CD self-heal, a revert) retries nothing
    List<String> used = retriesUsed(previous);
    if (ROLLED_BACK.equals(previous.getPhase()) && retry != null && !used.contains(retry)) {
      changes.add(new Transition(Change.RETRIED, "rollout retried (" + RETRY_ANNOTATION + "=" + retry
          + "): restarted at step " + stepWords(plan, 0)));
      List<String> usedNow = new ArrayList<>(used);
      usedNow.add(retry);
      return fresh(plan, hash, retry, usedNow, now);
    }
    return previous.copy();
  }

  /** The retry values already used: those recorded, and the one the rollout (re)started with. */
  private static List<String> retriesUsed(RolloutStatus previous) {
    List<String> used = new ArrayList<>(previous.getRetriesUsed() == null ? List.of() : previous.getRetriesUsed());
    if (previous.getRetry() != null && !used.contains(previous.getRetry())) {
      used.add(previous.getRetry());
    }
    return used;
  }

  private static RolloutStatus fresh(Rollout plan, String hash, String retry, List<String> retriesUsed,
      Instant now) {
    RolloutStatus s = new RolloutStatus();
    s.setPhase(PROGRESSING);
    s.setReason(PROGRESSING);
    s.setStep(0);
    s.setStepStartedAt(time(now));
    s.setConsecutiveFailures(0);
    s.setFailedChecks(new ArrayList<>());
    s.setPlanHash(hash);
    s.setProgressHash(progressHash(plan, 0));
    s.setRetry(retry);
    if (retriesUsed != null && !retriesUsed.isEmpty()) {
      List<String> kept = new ArrayList<>(retriesUsed);
      s.setRetriesUsed(new ArrayList<>(kept.subList(Math.max(0, kept.size() - MAX_RETRIES_RECORDED), kept.size())));
    }
    if (plan.getAnalysis() != null) {
      s.setLastAnalysisAt(time(now)); // the first checks run one interval in, once the step has had an effect
    }
    return s;
  }

  private static void hold(RolloutStatus s, String reason, Instant now) {
    if (s.getPausedAt() == null) {
      s.setPausedAt(time(now));
    }
    s.setPhase(PAUSED);
    s.setReason(reason);
  }

  private static void resume(RolloutStatus s, Instant now) {
    if (s.getPausedAt() != null) {
      Duration paused = Duration.between(Instant.parse(s.getPausedAt()), now);
      if (!paused.isNegative()) {
        s.setStepStartedAt(time(Instant.parse(s.getStepStartedAt()).plus(paused)));
      }
    }
    s.setPausedAt(null);
    s.setPhase(PROGRESSING);
    s.setReason(PROGRESSING);
  }

  private static Decision decision(Rollout plan, RolloutStatus s, Duration wake, List<Transition> changes) {
    boolean enabled;
    Double percentage;
    switch (s.getPhase()) {
      case ROLLED_BACK:
        enabled = false;
        percentage = null;
        s.setEffectivePercentage(0.0);
        break;
      case COMPLETED:
        enabled = true;
        percentage = null;
        s.setEffectivePercentage(100.0);
        s.setMessage("completed: fully on since the last step (" + stepWords(plan, s.getStep()) + ")");
        break;
      default:
        enabled = true;
        percentage = plan.getSteps().get(s.getStep()).getPercentage();
        s.setEffectivePercentage(percentage);
    }
    Duration requeue = wake == null ? null
        : wake.compareTo(MIN_WAKE) < 0 ? MIN_WAKE : wake.compareTo(MAX_WAKE) > 0 ? MAX_WAKE : wake;
    return new Decision(enabled, percentage, percentage == null ? null : plan.getStrategy(), s, requeue,
        List.copyOf(changes));
  }

  private static String progressMessage(Rollout plan, RolloutStatus s) {
    if (COMPLETED.equals(s.getPhase())) {
      return "completed";
    }
    Instant next = Instant.parse(s.getStepStartedAt()).plus(pause(plan, s.getStep()));
    boolean last = s.getStep() == plan.getSteps().size() - 1;
    return "step " + stepWords(plan, s.getStep()) + " since " + s.getStepStartedAt() + "; "
        + (last ? "completes at " : "next step at ") + next.truncatedTo(ChronoUnit.SECONDS);
  }

  /** {@code 2 of 4 (25% of actors)}, counting from 1 for people. */
  public static String stepWords(Rollout plan, int step) {
    double percentage = plan.getSteps().get(step).getPercentage();
    return (step + 1) + " of " + plan.getSteps().size() + " (" + StateWords.formatPercentage(percentage)
        + (plan.getStrategy() == Strategy.ACTORS ? "% of actors" : "% of time") + ")";
  }

  private static String checkNames(List<String> failedChecks) {
    List<String> names = new ArrayList<>();
    for (String check : failedChecks) {
      int colon = check.indexOf(':');
      names.add(colon < 0 ? check : check.substring(0, colon));
    }
    return String.join(", ", names);
  }

  private static Instant nextAnalysis(Analysis analysis, RolloutStatus s) {
    if (s.getLastAnalysisAt() == null) {
      return Instant.MIN;
    }
    return Instant.parse(s.getLastAnalysisAt()).plus(interval(analysis));
  }

  private static Duration pause(Rollout plan, int step) {
    return Durations.parse(plan.getSteps().get(step).getPause());
  }

  static Duration interval(Analysis analysis) {
    return analysis.getInterval() == null ? DEFAULT_INTERVAL : Durations.parse(analysis.getInterval());
  }

  private static int failureLimit(Analysis analysis) {
    return analysis.getFailureLimit() == null ? 1 : Math.max(1, analysis.getFailureLimit());
  }

  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static String sha(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
