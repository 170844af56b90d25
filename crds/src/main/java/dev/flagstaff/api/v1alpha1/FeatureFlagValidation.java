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

  /** Problems listed one by one; past this many, the rest are counted. */
  static final int MAX_PROBLEMS = 10;
  /** A value quoted in a problem is cut to this many characters. */
  static final int MAX_QUOTED = 64;

  /**
   * At most {@value #MAX_PROBLEMS} problems, each quoting at most {@value #MAX_QUOTED} characters of what the user
   * wrote, then one that counts the rest: what a status condition shows stays small however large the resource.
   */
  public static List<String> problems(FeatureFlag flag) {
    List<String> problems = all(flag);
    if (problems.size() <= MAX_PROBLEMS) {
      return problems;
    }
    List<String> shown = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
    shown.add("and " + (problems.size() - MAX_PROBLEMS) + " more problem(s)");
    return shown;
  }

  /** {@code text} as quoted in a problem: at most {@value #MAX_QUOTED} characters. */
  static String shown(String text) {
    return text == null || text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "...";
  }

  private static List<String> all(FeatureFlag flag) {
    List<String> problems = new ArrayList<>();
    FeatureFlagSpec spec = flag.getSpec();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    if (spec.unreadable() != null) {
      problems.add("spec cannot be read (" + spec.unreadable() + "); fix the resource, or install the CRD of this "
          + "operator's version so the API server checks it");
      return problems;
    }
    String key = flag.flagKey();
    if (key == null || key.length() > 200 || !KEY.matcher(key).matches()) {
      problems.add("key '" + shown(key) + "' must be lower case letters, digits, _ and - (at most 200 characters)");
    }
    SchemaLimits.check(spec, problems);
    String verificationProblem = spec.getVerification() == null ? null : Durations.problem(spec.getVerification());
    if (verificationProblem != null) {
      problems.add("verification '" + shown(spec.getVerification()) + "' " + verificationProblem);
    }
    Map<String, EnvironmentState> environments = spec.getEnvironments();
    if (environments == null) {
      return problems;
    }
    boolean takesNoActor = "none".equals(spec.getActorType());
    environments.forEach((name, env) -> {
      String where = "environments." + shown(name);
      if (name.length() > 63 || !ENVIRONMENT.matcher(name).matches()) {
        problems.add("environment name '" + shown(name) + "' must be a DNS label");
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
      Rollout rollout = env.getRollout();
      if (rollout != null) {
        rolloutProblems(where + ".rollout", rollout, problems);
        if (percentage != null || env.getStrategy() != null) {
          problems.add(where + ": a rollout sets the percentage and strategy step by step: remove percentage and "
              + "strategy from this environment");
        }
      }
      if (takesNoActor && (env.getStrategy() == Strategy.ACTORS
          || (rollout != null && rollout.getStrategy() == Strategy.ACTORS)
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
            problems.add(where + " is enabled but requires " + shown(requires) + ", which is disabled");
          }
        }
      }
    });
    return problems;
  }

  private static void rolloutProblems(String where, Rollout rollout, List<String> problems) {
    if (rollout.getStrategy() == null) {
      problems.add(where + ".strategy is required: actors or random");
    }
    List<RolloutStep> steps = rollout.getSteps();
    if (steps == null || steps.isEmpty() || steps.size() > 20) {
      problems.add(where + ".steps must hold 1 to 20 steps");
      return;
    }
    double before = 0;
    for (int i = 0; i < steps.size(); i++) {
      RolloutStep step = steps.get(i);
      Double p = step == null ? null : step.getPercentage();
      if (p == null || p.isNaN() || p < 0 || p > 100) {
        problems.add(where + ".steps[" + i + "].percentage must be between 0 and 100");
        return;
      }
      String pauseProblem = Durations.problem(step.getPause());
      if (pauseProblem != null) {
        problems.add(where + ".steps[" + i + "].pause " + pauseProblem);
      }
      if (p < before) {
        problems.add(where + ": the steps of a rollout must not decrease in percentage");
      }
      before = p;
    }
    if (before != 100) {
      problems.add(where + ": the last step of a rollout must reach 100 percent");
    }
    Analysis analysis = rollout.getAnalysis();
    if (analysis == null) {
      return;
    }
    if (analysis.getPrometheus() == null || !analysis.getPrometheus().matches("^https?://[^\\s]+$")) {
      problems.add(where + ".analysis.prometheus must be an http(s) address");
    }
    String intervalProblem = analysis.getInterval() == null ? null : Durations.problem(analysis.getInterval());
    if (intervalProblem != null) {
      problems.add(where + ".analysis.interval " + intervalProblem);
    }
    if (analysis.getFailureLimit() != null && analysis.getFailureLimit() < 1) {
      problems.add(where + ".analysis.failureLimit must be at least 1");
    }
    List<AnalysisQuery> queries = analysis.getQueries();
    if (queries == null || queries.isEmpty() || queries.size() > 10) {
      problems.add(where + ".analysis.queries must hold 1 to 10 queries");
      return;
    }
    for (AnalysisQuery query : queries) {
      if (query == null || query.getQuery() == null || query.getQuery().isBlank()) {
        problems.add(where + ".analysis.queries: every query needs a PromQL expression");
      } else if (query.getMax() == null && query.getMin() == null) {
        problems.add(where + ".analysis.queries[" + shown(query.getName()) + "]: an analysis query needs a max, a min or both");
      }
      if (query != null && query.getOnNoData() != null && !"fail".equals(query.getOnNoData()) && !"pass".equals(query.getOnNoData())) {
        problems.add(where + ".analysis.queries[" + query.getName() + "]: onNoData must be fail or pass");
      }
    }
  }
}
