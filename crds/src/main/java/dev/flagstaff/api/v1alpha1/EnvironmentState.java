package dev.flagstaff.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.flagstaff.flags.Strategy;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The state of a flag in one environment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.percentage) || has(self.strategy)",
    message = "a percentage needs a strategy: actors or random")
@ValidationRule(
    value = "!has(self.rollout) || (!has(self.percentage) && !has(self.strategy))",
    message = "a rollout sets the percentage and strategy step by step: remove percentage and strategy from this environment")
public class EnvironmentState {
  @JsonPropertyDescription("Whether the flag is on in this environment. false turns it off whatever else is set: the kill switch, the rollback.")
  @Required
  private Boolean enabled;

  @JsonPropertyDescription("The share (0-100, down to 0.001) for which the flag is on, applied with the strategy. Without a percentage, enabled means fully on.")
  @Min(0)
  @Max(100)
  private Double percentage;

  @JsonPropertyDescription("How the percentage is applied: actors (a stable share of actors, Flipper-compatible) or random (a share of calls).")
  private Strategy strategy;

  @JsonPropertyDescription("Actor ids for which the flag is always on while enabled, e.g. User:1 or a Slack user id.")
  @Size(max = 500)
  private List<@Size(min = 1, max = 253) String> actors;

  @JsonPropertyDescription("Another environment that must not be explicitly disabled while this one is enabled (production requires staging).")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  private String requires;

  @JsonPropertyDescription("A progressive rollout: the operator moves the percentage step by step while enabled is true, gated by optional Prometheus checks; its progress is in status.rollout. Exclusive with percentage and strategy.")
  private Rollout rollout;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public Double getPercentage() { return percentage; }
  public void setPercentage(Double percentage) { this.percentage = percentage; }
  public Strategy getStrategy() { return strategy; }
  public void setStrategy(Strategy strategy) { this.strategy = strategy; }
  public List<String> getActors() { return actors; }
  public void setActors(List<String> actors) { this.actors = actors; }
  public String getRequires() { return requires; }
  public void setRequires(String requires) { this.requires = requires; }
  public Rollout getRollout() { return rollout; }
  public void setRollout(Rollout rollout) { this.rollout = rollout; }
}
