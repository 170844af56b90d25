package dev.flagstaff.operator.rollout;

import static dev.flagstaff.operator.rollout.RolloutSteps.failureLimit;
import static dev.flagstaff.operator.rollout.RolloutSteps.interval;

import dev.flagstaff.api.v1alpha1.Analysis;
import dev.flagstaff.api.v1alpha1.AnalysisQuery;
import dev.flagstaff.api.v1alpha1.Durations;
import dev.flagstaff.api.v1alpha1.Rollout;
import dev.flagstaff.api.v1alpha1.RolloutStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rollout plan's identity, as recorded in its status: the hash of the whole plan (a new plan restarts), and of its
 * steps up to one (a plan changed only beyond the current step keeps its progress).
 */
final class RolloutPlanHash {
  private RolloutPlanHash() {}

  /** The hash of the whole plan but {@code paused}: any other change is a new plan. */
  static String planHash(Rollout plan) {
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

  private static String sha(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
