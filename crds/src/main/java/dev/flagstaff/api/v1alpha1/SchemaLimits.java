package dev.flagstaff.api.v1alpha1;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CRD schema's limits on sizes, counts and formats, in Java, for {@link FeatureFlagValidation}: an API server
 * that does not enforce the schema (an older CRD, one installed without it, the mock server) must not let the
 * operator accept what a real one refuses. Each limit here is the annotation on the field it names.
 */
final class SchemaLimits {
  static final int MAX_ENVIRONMENTS = 32;
  static final int MAX_ACTORS = 500;
  private static final Pattern ACTOR_TYPE = Pattern.compile("^[a-z][a-z0-9_]*$");
  private static final Pattern MILESTONE = Pattern.compile("^[0-9]+\\.[0-9]+$");
  private static final Pattern DNS_LABEL = Pattern.compile(FeatureFlagSpec.ENVIRONMENT_PATTERN);
  private static final Pattern QUERY_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$");

  private SchemaLimits() {}

  static void check(FeatureFlagSpec spec, List<String> problems) {
    atMost("description", spec.getDescription(), 1024, problems);
    if (spec.getMilestone() != null
        && (spec.getMilestone().length() > 16 || !MILESTONE.matcher(spec.getMilestone()).matches())) {
      problems.add("milestone must look like 16.11 (at most 16 characters)");
    }
    if (spec.getActorType() != null
        && (spec.getActorType().length() > 63 || !ACTOR_TYPE.matcher(spec.getActorType()).matches())) {
      problems.add("actorType must be lower case letters, digits and _, starting with a letter (at most 63)");
    }
    Owners owners = spec.getOwners();
    if (owners != null) {
      atMost("owners.team", owners.getTeam(), 253, problems);
      atMost("owners.slackChannel", owners.getSlackChannel(), 80, problems);
      atMost("owners.contact", owners.getContact(), 253, problems);
      atMost("owners.productManager", owners.getProductManager(), 253, problems);
    }
    Links links = spec.getLinks();
    if (links != null) {
      atMost("links.introducedBy", links.getIntroducedBy(), 2048, problems);
      atMost("links.rolloutIssue", links.getRolloutIssue(), 2048, problems);
      atMost("links.featureIssue", links.getFeatureIssue(), 2048, problems);
    }
    Map<String, EnvironmentState> environments = spec.getEnvironments();
    if (environments == null) {
      return;
    }
    if (environments.size() > MAX_ENVIRONMENTS) {
      problems.add("environments: at most " + MAX_ENVIRONMENTS + " per flag, got " + environments.size());
    }
    environments.forEach((name, env) -> {
      if (env == null) {
        return;
      }
      String where = "environments." + FeatureFlagValidation.shown(name);
      List<String> actors = env.getActors();
      if (actors != null) {
        if (actors.size() > MAX_ACTORS) {
          problems.add(where + ".actors: at most " + MAX_ACTORS + " actors, got " + actors.size());
        }
        if (actors.stream().anyMatch(a -> a == null || a.isEmpty() || a.length() > 253)) {
          problems.add(where + ".actors: every actor id must be 1 to 253 characters");
        }
      }
      String requires = env.getRequires();
      if (requires != null && (requires.length() > 63 || !DNS_LABEL.matcher(requires).matches())) {
        problems.add(where + ".requires must be the name of an environment (a DNS label)");
      }
      Analysis analysis = env.getRollout() == null ? null : env.getRollout().getAnalysis();
      if (analysis != null) {
        atMost(where + ".rollout.analysis.prometheus", analysis.getPrometheus(), 2048, problems);
        List<AnalysisQuery> queries = analysis.getQueries();
        for (AnalysisQuery query : queries == null ? List.<AnalysisQuery>of() : queries) {
          if (query == null) {
            continue;
          }
          if (query.getName() == null || query.getName().length() > 63
              || !QUERY_NAME.matcher(query.getName()).matches()) {
            problems.add(where + ".rollout.analysis.queries: every query needs a name of lower case letters, "
                + "digits, - and _ (at most 63)");
          }
          atMost(where + ".rollout.analysis.queries.query", query.getQuery(), 4096, problems);
        }
      }
    });
  }

  private static void atMost(String field, String value, int max, List<String> problems) {
    if (value != null && value.length() > max) {
      problems.add(field + " must be at most " + max + " characters, got " + value.length());
    }
  }
}
