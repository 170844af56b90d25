package dev.flagstaff.operator.rollout;

import static dev.flagstaff.operator.rollout.RolloutSteps.checkNames;
import static dev.flagstaff.operator.rollout.RolloutSteps.failureLimit;
import static dev.flagstaff.operator.rollout.RolloutSteps.hold;
import static dev.flagstaff.operator.rollout.RolloutSteps.interval;
import static dev.flagstaff.operator.rollout.RolloutSteps.resume;
import static dev.flagstaff.operator.rollout.RolloutSteps.stepWords;
import static dev.flagstaff.operator.rollout.RolloutSteps.time;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the result of a rollout's checks does to its progress: unavailable holds the step (AnalysisUnavailable), a
 * refused query fails the rollout, failureLimit failed runs in a row roll it back, a pass clears the failures and
 * resumes a rollout held for Prometheus.
 */
final class AnalysisStep {
  private AnalysisStep() {}

  /** Records {@code result} in {@code s}; true when the rollout is over (Failed or RolledBack) and goes no further. */
  static boolean apply(Rollout plan, RolloutStatus s, AnalysisResult result, Instant now,
      List<RolloutEngine.Transition> changes) {
    Analysis analysis = plan.getAnalysis();
    s.setLastAnalysisAt(time(now));
    switch (result.outcome()) {
      case UNAVAILABLE:
        s.setFailedChecks(new ArrayList<>());
        s.setMessage("holding step " + stepWords(plan, s.getStep()) + ": the analysis cannot reach Prometheus ("
            + result.detail() + "); retrying every " + interval(analysis).toSeconds() + "s");
        if (!RolloutEngine.PAUSED.equals(s.getPhase())) {
          hold(s, RolloutEngine.ANALYSIS_UNAVAILABLE, now);
          changes.add(new RolloutEngine.Transition(RolloutEngine.Change.ANALYSIS_UNAVAILABLE,
              "rollout paused: the analysis cannot reach Prometheus (" + result.detail() + ")"));
        }
        break;
      case REFUSED:
        s.setPhase(RolloutEngine.FAILED);
        s.setReason(RolloutEngine.QUERY_REFUSED);
        s.setPausedAt(null);
        s.setMessage("Prometheus refused a query (" + result.detail() + "): holding step "
            + stepWords(plan, s.getStep()) + " until the rollout's analysis is fixed in Git");
        changes.add(new RolloutEngine.Transition(RolloutEngine.Change.FAILED,
            "rollout failed: Prometheus refused a query (" + result.detail() + ")"));
        return true;
      case FAILED:
        int failures = (s.getConsecutiveFailures() == null ? 0 : s.getConsecutiveFailures()) + 1;
        s.setConsecutiveFailures(failures);
        s.setFailedChecks(new ArrayList<>(result.failedChecks()));
        if (failures >= failureLimit(analysis)) {
          String checks = String.join(", ", result.failedChecks());
          s.setPhase(RolloutEngine.ROLLED_BACK);
          s.setReason(RolloutEngine.ROLLED_BACK);
          s.setPausedAt(null);
          s.setMessage("rolled back after " + checkNames(result.failedChecks()) + " failed " + failures
              + (failures == 1 ? " time" : " times") + " (" + checks + "): change the rollout in Git (or annotate "
              + RolloutEngine.RETRY_ANNOTATION + "=<any new value>) to try again");
          changes.add(new RolloutEngine.Transition(RolloutEngine.Change.ROLLED_BACK, checks + " at step " + stepWords(plan, s.getStep())));
          return true;
        }
        break;
      default:
        s.setConsecutiveFailures(0);
        s.setFailedChecks(new ArrayList<>());
        if (RolloutEngine.PAUSED.equals(s.getPhase()) && RolloutEngine.ANALYSIS_UNAVAILABLE.equals(s.getReason())) {
          resume(s, now);
          changes.add(new RolloutEngine.Transition(RolloutEngine.Change.RESUMED, "rollout resumed: Prometheus answers again"));
        }
    }
    return false;
  }
}
