package dev.flagstaff.operator;

import dev.flagstaff.api.v1alpha1.EnvironmentState;
import dev.flagstaff.api.v1alpha1.FeatureFlag;
import dev.flagstaff.api.v1alpha1.FeatureFlagStatus;
import dev.flagstaff.api.v1alpha1.FlagResolution;
import dev.flagstaff.api.v1alpha1.RolloutStatus;
import dev.flagstaff.flags.FlagState;
import dev.flagstaff.operator.rollout.AnalysisRun;
import dev.flagstaff.operator.rollout.RolloutEngine;
import java.time.Instant;
import java.util.Map;

/**
 * The state a FeatureFlag puts in effect in one environment: its entry as written, or, for an enabled environment
 * with a rollout, the step the rollout has reached (see {@link RolloutEngine}). {@code enabled: false} always wins.
 *
 * @param rollout the rollout's decision, or null when the environment has no enabled rollout
 */
record DesiredState(FlagState state, RolloutEngine.Decision rollout) {

  /** @param analysis the latest analysis result known for the flag in this environment, or null */
  static DesiredState of(FeatureFlag flag, String environment, Instant now, AnalysisRun.Result analysis) {
    FlagState resolved = FlagResolution.resolve(flag, environment);
    EnvironmentState entry = flag.getSpec().getEnvironments() == null ? null
        : flag.getSpec().getEnvironments().get(environment);
    if (entry == null || entry.getRollout() == null || !resolved.enabled()) {
      return new DesiredState(resolved, null);
    }
    FeatureFlagStatus status = flag.getStatus();
    RolloutStatus previous = status == null || !environment.equals(status.getEnvironment()) ? null : status.getRollout();
    Map<String, String> annotations = flag.getMetadata().getAnnotations();
    String retry = annotations == null ? null : annotations.get(RolloutEngine.RETRY_ANNOTATION);
    RolloutEngine.Decision decision = RolloutEngine.decide(entry.getRollout(), previous, retry, now, analysis);
    FlagState state = FlagState.of(decision.enabled(), decision.percentage(), decision.strategy(),
        decision.enabled() ? entry.getActors() : null, resolved.generation());
    return new DesiredState(state, decision);
  }

  /** Whether the state is fully on: enabled, for everyone (no percentage). */
  static boolean fullyOn(FlagState state) {
    return state.enabled() && !state.hasPercentage();
  }
}
