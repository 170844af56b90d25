package dev.flagstaff.operator.rollout;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.Durations;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.flags.StateWords;
import dev.flagstaff.flags.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The arithmetic and words of a rollout's progress shared by its parts: pauses, intervals, holds, messages. */
final class RolloutSteps {
  private RolloutSteps() {}

  static void hold(RolloutStatus s, String reason, Instant now) {
    if (s.getPausedAt() == null) {
      s.setPausedAt(time(now));
    }
    s.setPhase(RolloutEngine.PAUSED);
    s.setReason(reason);
  }

  static void resume(RolloutStatus s, Instant now) {
    if (s.getPausedAt() != null) {
      Duration paused = Duration.between(Instant.parse(s.getPausedAt()), now);
      if (!paused.isNegative()) {
        s.setStepStartedAt(time(Instant.parse(s.getStepStartedAt()).plus(paused)));
      }
    }
    s.setPausedAt(null);
    s.setPhase(RolloutEngine.PROGRESSING);
    s.setReason(RolloutEngine.PROGRESSING);
  }

  static String progressMessage(Rollout plan, RolloutStatus s) {
    if (RolloutEngine.COMPLETED.equals(s.getPhase())) {
      return "completed";
    }
    Instant next = Instant.parse(s.getStepStartedAt()).plus(pause(plan, s.getStep()));
    boolean last = s.getStep() == plan.getSteps().size() - 1;
    return "step " + stepWords(plan, s.getStep()) + " since " + s.getStepStartedAt() + "; "
        + (last ? "completes at " : "next step at ") + next.truncatedTo(ChronoUnit.SECONDS);
  }

  /** {@code 2 of 4 (25% of actors)}, counting from 1 for people. */
  static String stepWords(Rollout plan, int step) {
    double percentage = plan.getSteps().get(step).getPercentage();
    return (step + 1) + " of " + plan.getSteps().size() + " (" + StateWords.formatPercentage(percentage)
        + (plan.getStrategy() == Strategy.ACTORS ? "% of actors" : "% of time") + ")";
  }

  static String checkNames(List<String> failedChecks) {
    List<String> names = new ArrayList<>();
    for (String check : failedChecks) {
      int colon = check.indexOf(':');
      names.add(colon < 0 ? check : check.substring(0, colon));
    }
    return String.join(", ", names);
  }

  static Instant nextAnalysis(Analysis analysis, RolloutStatus s) {
    if (s.getLastAnalysisAt() == null) {
      return Instant.MIN;
    }
    return Instant.parse(s.getLastAnalysisAt()).plus(interval(analysis));
  }

  static Duration pause(Rollout plan, int step) {
    return Durations.parse(plan.getSteps().get(step).getPause());
  }

  static Duration interval(Analysis analysis) {
    return analysis.getInterval() == null ? RolloutEngine.DEFAULT_INTERVAL : Durations.parse(analysis.getInterval());
  }

  static int failureLimit(Analysis analysis) {
    return analysis.getFailureLimit() == null ? 1 : Math.max(1, analysis.getFailureLimit());
  }

  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
