package dev.flagstaff.operator.rollout;

import static dev.flagstaff.operator.rollout.RolloutSteps.stepWords;
import static dev.flagstaff.operator.rollout.RolloutSteps.time;

import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a decision starts from: the progress recorded, kept across a plan changed only beyond the current step, or
 * a fresh start (no progress yet, a new plan, or a retry of a rolled-back rollout with a value never used before).
 */
final class RolloutStart {
  private RolloutStart() {}

  /** The status to continue from: the previous one, or a fresh start when there is none, a new plan or a retry. */
  static RolloutStatus baseline(Rollout plan, RolloutStatus previous, String retry, Instant now,
      List<RolloutEngine.Transition> changes) {
    String hash = RolloutPlanHash.planHash(plan);
    if (previous == null || previous.getPlanHash() == null || previous.getStep() == null
        || previous.getStepStartedAt() == null) {
      changes.add(new RolloutEngine.Transition(RolloutEngine.Change.STARTED, "rollout started: step " + stepWords(plan, 0)));
      return fresh(plan, hash, retry, null, now);
    }
    boolean over = RolloutEngine.ROLLED_BACK.equals(previous.getPhase()) || RolloutEngine.FAILED.equals(previous.getPhase());
    if (!hash.equals(previous.getPlanHash())) {
      int step = previous.getStep();
      if (!over && step < plan.getSteps().size() && RolloutPlanHash.progressHash(plan, step).equals(previous.getProgressHash())) {
        RolloutStatus kept = previous.copy();
        kept.setPlanHash(hash);
        changes.add(new RolloutEngine.Transition(RolloutEngine.Change.PLAN_CHANGED, "rollout plan changed; steps up to " + stepWords(plan, step)
            + " unchanged, progress kept"));
        return kept;
      }
      changes.add(new RolloutEngine.Transition(RolloutEngine.Change.RESTARTED, "new rollout plan: restarted at step " + stepWords(plan, 0)));
      return fresh(plan, hash, retry, previous.getRetriesUsed(), now);
    }
    // a value never seen retries once; an old one put back (Argo CD self-heal, a revert) retries nothing
    List<String> used = retriesUsed(previous);
    if (RolloutEngine.ROLLED_BACK.equals(previous.getPhase()) && retry != null && !used.contains(retry)) {
      changes.add(new RolloutEngine.Transition(RolloutEngine.Change.RETRIED, "rollout retried (" + RolloutEngine.RETRY_ANNOTATION + "=" + retry
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
    s.setPhase(RolloutEngine.PROGRESSING);
    s.setReason(RolloutEngine.PROGRESSING);
    s.setStep(0);
    s.setStepStartedAt(time(now));
    s.setConsecutiveFailures(0);
    s.setFailedChecks(new ArrayList<>());
    s.setPlanHash(hash);
    s.setProgressHash(RolloutPlanHash.progressHash(plan, 0));
    s.setRetry(retry);
    if (retriesUsed != null && !retriesUsed.isEmpty()) {
      List<String> kept = new ArrayList<>(retriesUsed);
      s.setRetriesUsed(new ArrayList<>(kept.subList(Math.max(0, kept.size() - RolloutEngine.MAX_RETRIES_RECORDED), kept.size())));
    }
    if (plan.getAnalysis() != null) {
      s.setLastAnalysisAt(time(now)); // the first checks run one interval in, once the step has had an effect
    }
    return s;
  }
}
