package dev.flagstaff.api.v1alpha1;

import dev.flagstaff.flags.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules of the CRD's schema and CEL validations, in Java: what makes a FeatureFlag unusable. The API
 * server enforces them where it can; the operator checks them again (an older API server, a CRD installed
 * without its rules, a mock server) and turns each problem into a Stalled condition. An empty list means
 * the resource can be resolved.
 */
public final class FeatureFlagValidation {
  private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile(FeatureFlagSpec.KEY_PATTERN);
  private static final java.util.regex.Pattern ENVIRONMENT =
      java.util.regex.Pattern.compile(FeatureFlagSpec.ENVIRONMENT_PATTERN);

  private FeatureFlagValidation() {}

  public static List<String> problems(FeatureFlag flag) {
    List<String> problems = new ArrayList<>();
    FeatureFlagSpec spec = flag.getSpec();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    String key = flag.flagKey();
    if (key == null || key.length() > 200 || !KEY.matcher(key).matches()) {
      problems.add("key '" + key + "' must be lower case letters, digits, _ and - (at most 200 characters)");
    }
    Map<String, EnvironmentState> environments = spec.getEnvironments();
    if (environments == null) {
      return problems;
    }
    boolean takesNoActor = "none".equals(spec.getActorType());
    environments.forEach((name, env) -> {
      String where = "environments." + name;
      if (name.length() > 63 || !ENVIRONMENT.matcher(name).matches()) {
        problems.add("environment name '" + name + "' must be a DNS label");
      }
      if (env == null || env.getEnabled() == null) {
        problems.add(where + ".enabled is required");
        return;
      }
      Double percentage = env.getPercentage();
      if (percentage != null && (percentage.isNaN() || percentage < 0 || percentage > 100)) {
        problems.add(where + ".percentage must be between 0 and 100");
      }
      if (percentage != null && env.getStrategy() == null) {
        problems.add(where + ": a percentage needs a strategy: actors or random");
      }
      if (takesNoActor && (env.getStrategy() == Strategy.ACTORS
          || (env.getActors() != null && !env.getActors().isEmpty()))) {
        problems.add(where + ": actorType none: the flag takes no actor, so it cannot use strategy actors or list actors");
      }
      String requires = env.getRequires();
      if (requires != null) {
        if (requires.equals(name)) {
          problems.add(where + ": an environment cannot require itself");
        } else {
          EnvironmentState required = environments.get(requires);
          if (env.getEnabled() && required != null && Boolean.FALSE.equals(required.getEnabled())) {
            problems.add(where + " is enabled but requires " + requires + ", which is disabled");
          }
        }
      }
    });
    return problems;
  }
}
