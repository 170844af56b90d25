package dev.flagstaff.operator.rollout;

import static dev.flagstaff.operator.rollout.RolloutSteps.hold;
import static dev.flagstaff.operator.rollout.RolloutSteps.nextAnalysis;
import static dev.flagstaff.operator.rollout.RolloutSteps.pause;
import static dev.flagstaff.operator.rollout.RolloutSteps.progressMessage;
import static dev.flagstaff.operator.rollout.RolloutSteps.resume;
import static dev.flagstaff.operator.rollout.RolloutSteps.stepWords;
import static dev.flagstaff.operator.rollout.RolloutSteps.time;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.flags.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
 *   <li>The checks are not run here: a decision whose analysis is due names the run it needs ({@link
 *       Decision#analysisNeeded()}) and holds the step; the caller runs it off the reconcile and feeds its result to
 *       a later decision, which then applies it as above.
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
   *     without analysis) or the decision waits for {@code analysisNeeded}
   * @param analysisNeeded the checks this decision waits for (to be run off the reconcile, their result fed to the
   *     next decision), or null
   */
  public record Decision(boolean enabled, Double percentage, Strategy strategy, RolloutStatus status,
      Duration requeueAfter, List<Transition> transitions, AnalysisRun analysisNeeded) {}

  private RolloutEngine() {}

  /**
   * @param previous the status so far, or null
   * @param retry the value of the annotation {@value #RETRY_ANNOTATION}, or null
   * @param given the latest analysis result known for this flag, or null; used only when it is the result of the run
   *     that is due now ({@link Decision#analysisNeeded()} of an earlier decision)
   */
  public static Decision decide(Rollout plan, RolloutStatus previous, String retry, Instant now,
      AnalysisRun.Result given) {
    List<Transition> changes = new ArrayList<>();
    RolloutStatus s = RolloutStart.baseline(plan, previous, retry, now, changes);
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
      AnalysisRun due = AnalysisRun.due(analysis, s);
      if (given == null || !given.id().equals(due.id())) {
        // the step waits for its checks: nothing moves until their result wakes the flag
        return decision(plan, s, null, changes, due);
      }
      if (AnalysisStep.apply(plan, s, given.result(), now, changes)) {
        return decision(plan, s, null, changes);
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
          s.setProgressHash(RolloutPlanHash.progressHash(plan, s.getStep()));
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

  private static Decision decision(Rollout plan, RolloutStatus s, Duration wake, List<Transition> changes) {
    return decision(plan, s, wake, changes, null);
  }

  private static Decision decision(Rollout plan, RolloutStatus s, Duration wake, List<Transition> changes,
      AnalysisRun analysisNeeded) {
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
        List.copyOf(changes), analysisNeeded);
  }
}
