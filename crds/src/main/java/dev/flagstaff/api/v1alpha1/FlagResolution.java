package dev.flagstaff.api.v1alpha1;

import dev.flagstaff.flags.FlagState;

/** Resolves a FeatureFlag for the one environment an operator serves. */
public final class FlagResolution {
  private FlagResolution() {}

  /**
   * The entry for {@code environment}; when the resource does not mention it, {@code defaultEnabled}
   * (fully on or off). Assumes a valid resource (see {@link FeatureFlagValidation}).
   *
   * <p>An enabled entry with a {@code rollout} resolves here to fully on: the step a rollout has reached lives in the
   * resource's status, and the operator's rollout engine puts that step's percentage in effect instead.
   */
  public static FlagState resolve(FeatureFlag flag, String environment) {
    FeatureFlagSpec spec = flag.getSpec();
    Long generationOrNull = flag.getMetadata().getGeneration();
    long generation = generationOrNull == null ? 0 : generationOrNull;
    EnvironmentState env = spec == null || spec.getEnvironments() == null
        ? null
        : spec.getEnvironments().get(environment);
    if (env == null) {
      boolean byDefault = spec != null && Boolean.TRUE.equals(spec.getDefaultEnabled());
      return byDefault ? FlagState.on(generation) : FlagState.off(generation);
    }
    return FlagState.of(Boolean.TRUE.equals(env.getEnabled()), env.getPercentage(), env.getStrategy(),
        env.getActors(), generation);
  }
}
