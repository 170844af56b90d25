package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** What a user writes: the flag, who owns it, and its state per environment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.actorType) || self.actorType != 'none' || !has(self.environments) || "
        + "self.environments.all(e, (!has(self.environments[e].strategy) || self.environments[e].strategy != 'actors') "
        + "&& (!has(self.environments[e].actors) || size(self.environments[e].actors) == 0) "
        + "&& (!has(self.environments[e].rollout) || self.environments[e].rollout.strategy != 'actors'))",
    message = "actorType none: the flag takes no actor, so no environment may use strategy actors or list actors")
public class FeatureFlagSpec {
  /** Why the spec as stored could not be read, or null: set only by ReadableSpec, never serialized. */
  @JsonIgnore
  private String unreadable;

  /** A spec standing for one that could not be read, for {@code reason} (e.g. {@code spec.environments.production.percentage: ...}). */
  static FeatureFlagSpec unreadable(String reason) {
    FeatureFlagSpec spec = new FeatureFlagSpec();
    spec.unreadable = reason;
    return spec;
  }

  /** Why the stored spec could not be read by this version, or null when it was read. */
  @JsonIgnore
  public String unreadable() {
    return unreadable;
  }

  public static final String KEY_PATTERN = "^[a-z0-9][a-z0-9_-]*$";
  public static final String ENVIRONMENT_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @JsonPropertyDescription("The flag key the code asks about, e.g. slack_events_app_home_opened. Defaults to metadata.name. Lower case letters, digits, _ and -.")
  @Pattern(KEY_PATTERN)
  @Size(max = 200)
  private String key;

  @JsonPropertyDescription("What the flag guards, for people reading it.")
  @Size(max = 1024)
  private String description;

  @JsonPropertyDescription("The kind of flag (GitLab's types): gitlab_com_derisk, wip, beta, ops, experiment, worker or development.")
  private FlagType type;

  @JsonPropertyDescription("The milestone in which the flag was introduced, e.g. 16.11.")
  @Pattern("^[0-9]+\\.[0-9]+$")
  @Size(max = 16)
  private String milestone;

  @JsonPropertyDescription("The state in an environment that the resource does not mention.")
  @Default("false")
  private Boolean defaultEnabled;

  @JsonPropertyDescription("Who owns the flag and where its changes are announced.")
  private Owners owners;

  @JsonPropertyDescription("Links to the merge request, rollout issue and feature issue.")
  private Links links;

  @JsonPropertyDescription("What the code passes when it asks: none, user, project, group, namespace, team, ... With none, the flag takes no actor: an actor percentage or an actor list is invalid.")
  @Pattern("^[a-z][a-z0-9_]*$")
  @Size(max = 63)
  private String actorType;

  @JsonPropertyDescription("The flag's state per environment (dev, staging, staging-ref, production or any DNS label). Each operator resolves the entry for the environment it serves; an environment not listed gets defaultEnabled.")
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(e, size(e) <= 63 && e.matches('" + ENVIRONMENT_PATTERN + "'))",
      message = "environment names must be DNS labels: lower case letters, digits and -, at most 63 characters")
  @ValidationRule(
      value = "self.all(e, !has(self[e].requires) || self[e].requires != e)",
      message = "an environment cannot require itself")
  @ValidationRule(
      value = "self.all(e, !has(self[e].requires) || !self[e].enabled || !(self[e].requires in self) || self[self[e].requires].enabled)",
      message = "an environment cannot be enabled while the environment it requires is disabled")
  private Map<String, EnvironmentState> environments;

  @JsonPropertyDescription("How long the flag must be fully on in the verification environment (the operator's FLAGSTAFF_VERIFICATION_ENVIRONMENT, production by default) before it is ReadyForCleanup, e.g. 24h.")
  @Default("24h")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(value = Durations.BOUND_RULE, message = Durations.BOUND_MESSAGE)
  private String verification;

  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }
  public FlagType getType() { return type; }
  public void setType(FlagType type) { this.type = type; }
  public String getMilestone() { return milestone; }
  public void setMilestone(String milestone) { this.milestone = milestone; }
  public Boolean getDefaultEnabled() { return defaultEnabled; }
  public void setDefaultEnabled(Boolean defaultEnabled) { this.defaultEnabled = defaultEnabled; }
  public Owners getOwners() { return owners; }
  public void setOwners(Owners owners) { this.owners = owners; }
  public Links getLinks() { return links; }
  public void setLinks(Links links) { this.links = links; }
  public String getActorType() { return actorType; }
  public void setActorType(String actorType) { this.actorType = actorType; }
  public Map<String, EnvironmentState> getEnvironments() { return environments; }
  public void setEnvironments(Map<String, EnvironmentState> environments) { this.environments = environments; }
  public String getVerification() { return verification; }
  public void setVerification(String verification) { this.verification = verification; }
}
